package dev.comfy4j.imaging;

import dev.comfy4j.python.PyError;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Decodes image files into frames the way LoadImage sees them through Pillow: every frame of an
 * animated PNG or GIF, EXIF orientation applied (JPEG), 16-bit grey as Pillow's mode I, and the
 * Pillow band facts LoadImage's mask rule needs. Formats are those the JDK reads (PNG, JPEG, GIF,
 * BMP, TIFF); WebP is not among them.
 */
public final class ImageFileDecoder {
    /** Pillow's view of a frame's mode, as far as LoadImage cares. */
    public enum Mode { RGB, RGBA, L, LA, I, P, P_TRANSPARENT }

    /**
     * One frame: {@code argb} holds what {@code convert("RGBA")} gives (for mode I: the values after
     * LoadImage's {@code point(v / 255)}); {@code mode} tells whether an alpha band exists.
     */
    public record Frame(int width, int height, int[] argb, Mode mode) {
        /** An alpha band (A in getbands()) or palette transparency. */
        public boolean hasAlpha() {
            return mode == Mode.RGBA || mode == Mode.LA || mode == Mode.P_TRANSPARENT;
        }
    }

    private ImageFileDecoder() {}

    /** All frames; throws a PIL-style UnidentifiedImageError when the bytes are no readable image. */
    public static List<Frame> frames(byte[] bytes, String name) {
        try {
            if (isPng(bytes) && indexOf(bytes, "acTL") > 0) return apngFrames(bytes);
            if (bytes.length > 6 && new String(bytes, 0, 3, StandardCharsets.ISO_8859_1).equals("GIF")) return gifFrames(bytes);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img == null) throw unidentified(name);
            Frame f = frame(img, isPng(bytes) && hasTrns(bytes));
            return List.of(orient(f, ExifOrientation.of(bytes)));
        } catch (IOException | RuntimeException e) {
            if (e instanceof PyError p) throw p;
            throw unidentified(name);
        }
    }

    private static PyError unidentified(String name) {
        return new PyError("PIL.UnidentifiedImageError", "cannot identify image file '" + name + "'");
    }

    public static Frame frame(BufferedImage img, boolean trns) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = new int[w * h];
        var cm = img.getColorModel();
        Raster raster = img.getRaster();
        boolean grey = cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        if (grey) {
            int bits = cm.getComponentSize(0);
            boolean alpha = cm.hasAlpha();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = raster.getSample(x, y, 0);
                    // Pillow opens 16-bit grey as mode I; LoadImage scales it by 1/255 and convert("RGB") clips.
                    int g = bits == 16 && !alpha ? Math.min(255, (int) (v * (1.0 / 255))) : scale(v, bits);
                    int a = alpha ? scale(raster.getSample(x, y, 1), cm.getComponentSize(1)) : 255;
                    argb[y * w + x] = (a << 24) | (g << 16) | (g << 8) | g;
                }
            }
            Mode mode = alpha ? Mode.LA : bits == 16 ? Mode.I : Mode.L;
            return new Frame(w, h, argb, mode);
        }
        img.getRGB(0, 0, w, h, argb, 0, w);
        Mode mode;
        if (cm instanceof IndexColorModel icm) mode = icm.hasAlpha() || trns ? Mode.P_TRANSPARENT : Mode.P;
        else mode = cm.hasAlpha() ? Mode.RGBA : Mode.RGB;
        return new Frame(w, h, argb, mode);
    }

    private static int scale(int sample, int bits) {
        if (bits == 8) return sample & 0xff;
        if (bits > 8) return sample >>> (bits - 8);
        return Math.round(sample * 255f / ((1 << bits) - 1));
    }

    /** ImageOps.exif_transpose for orientations 2-8. */
    public static Frame orient(Frame f, int orientation) {
        if (orientation < 2 || orientation > 8) return f;
        int w = f.width, h = f.height;
        boolean swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        int[] out = new int[w * h];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx, sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                out[y * ow + x] = f.argb[sy * w + sx];
            }
        }
        return new Frame(ow, oh, out, f.mode);
    }

    private static boolean isPng(byte[] b) {
        return b.length > 8 && (b[0] & 0xff) == 137 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    private static boolean hasTrns(byte[] b) {
        return indexOf(b, "tRNS") > 0;
    }

    private static int indexOf(byte[] b, String type) {
        int pos = 8;
        while (pos + 8 <= b.length) {
            int len = ByteBuffer.wrap(b, pos, 4).getInt();
            if (new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) return pos;
            if (len < 0) return -1;
            pos += 12 + len;
        }
        return -1;
    }

    /** APNG: each frame rebuilt as a still PNG, decoded, then composed on the canvas (dispose and blend ops). */
    private static List<Frame> apngFrames(byte[] b) throws IOException {
        List<byte[]> shared = new ArrayList<>();
        byte[] ihdr = null;
        List<int[]> controls = new ArrayList<>();
        List<ByteArrayOutputStream> data = new ArrayList<>();
        int pos = 8;
        while (pos + 8 <= b.length) {
            int len = ByteBuffer.wrap(b, pos, 4).getInt();
            String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
            byte[] body = java.util.Arrays.copyOfRange(b, pos + 8, pos + 8 + len);
            switch (type) {
                case "IHDR" -> ihdr = body;
                case "PLTE", "tRNS", "gAMA", "sRGB", "cHRM", "iCCP", "sBIT" -> shared.add(chunk(type, body));
                case "fcTL" -> {
                    ByteBuffer bb = ByteBuffer.wrap(body);
                    bb.getInt();
                    controls.add(new int[] {bb.getInt(), bb.getInt(), bb.getInt(), bb.getInt(), body[24], body[25]});
                    data.add(new ByteArrayOutputStream());
                }
                case "IDAT" -> { if (!data.isEmpty()) data.getLast().write(body); }
                case "fdAT" -> { if (!data.isEmpty()) data.getLast().write(body, 4, body.length - 4); }
                default -> { }
            }
            pos += 12 + len;
        }
        if (ihdr == null || controls.isEmpty()) throw new IOException("no frames");
        int cw = ByteBuffer.wrap(ihdr).getInt(0), ch = ByteBuffer.wrap(ihdr).getInt(4);
        int[] canvas = new int[cw * ch];
        List<Frame> frames = new ArrayList<>();
        Mode mode = null;
        for (int i = 0; i < controls.size(); i++) {
            int[] c = controls.get(i);
            int fw = c[0], fh = c[1], fx = c[2], fy = c[3], dispose = c[4], blend = c[5];
            byte[] head = ihdr.clone();
            ByteBuffer.wrap(head).putInt(0, fw).putInt(4, fh);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            png.write(new byte[] {(byte) 137, 'P', 'N', 'G', 13, 10, 26, 10});
            png.write(chunk("IHDR", head));
            for (byte[] s : shared) png.write(s);
            png.write(chunk("IDAT", data.get(i).toByteArray()));
            png.write(chunk("IEND", new byte[0]));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
            if (img == null) throw new IOException("bad frame");
            Frame part = frame(img, hasTrns(b));
            if (mode == null) mode = part.mode;
            int[] before = dispose == 2 ? canvas.clone() : null;
            for (int y = 0; y < fh; y++) {
                for (int x = 0; x < fw; x++) {
                    int src = part.argb[y * fw + x];
                    int idx = (y + fy) * cw + x + fx;
                    canvas[idx] = blend == 1 ? over(src, canvas[idx]) : src;
                }
            }
            frames.add(new Frame(cw, ch, canvas.clone(), mode));
            if (dispose == 1) {
                for (int y = 0; y < fh; y++) for (int x = 0; x < fw; x++) canvas[(y + fy) * cw + x + fx] = 0;
            } else if (before != null) {
                canvas = before;
            }
        }
        return frames;
    }

    private static int over(int src, int dst) {
        int sa = src >>> 24;
        if (sa == 255) return src;
        if (sa == 0) return dst;
        int da = dst >>> 24;
        int outA = sa + da * (255 - sa) / 255;
        if (outA == 0) return 0;
        int r = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            int s = (src >> shift) & 0xff, d = (dst >> shift) & 0xff;
            int v = (s * sa + d * da * (255 - sa) / 255) / outA;
            r |= Math.min(255, v) << shift;
        }
        return (outA << 24) | r;
    }

    private static byte[] chunk(String type, byte[] body) {
        ByteBuffer out = ByteBuffer.allocate(12 + body.length);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        out.putInt(body.length).put(t).put(body).putInt((int) crc.getValue());
        return out.array();
    }

    /** GIF: frames pasted at their offsets over the previous canvas (transparent pixels keep it). */
    private static List<Frame> gifFrames(byte[] b) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(b))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IOException("no GIF reader");
            ImageReader reader = readers.next();
            reader.setInput(in);
            int n = reader.getNumImages(true);
            int[] canvas = null;
            int cw = 0, ch = 0;
            Mode firstMode = null;
            for (int i = 0; i < n; i++) {
                BufferedImage img = reader.read(i);
                Frame part = frame(img, false);
                int[] pos = gifPosition(reader.getImageMetadata(i));
                if (canvas == null) {
                    cw = Math.max(img.getWidth() + pos[0], reader.getWidth(0));
                    ch = Math.max(img.getHeight() + pos[1], reader.getHeight(0));
                    canvas = new int[cw * ch];
                    firstMode = part.mode;
                }
                for (int y = 0; y < part.height && y + pos[1] < ch; y++) {
                    for (int x = 0; x < part.width && x + pos[0] < cw; x++) {
                        int src = part.argb[y * part.width + x];
                        if (src >>> 24 != 0 || i == 0) canvas[(y + pos[1]) * cw + x + pos[0]] = src;
                    }
                }
                // Pillow 9.4 keeps the first GIF frame in P mode and converts later ones to RGB(A).
                Mode mode = i == 0 ? firstMode : part.hasAlpha() ? Mode.RGBA : Mode.RGB;
                frames.add(new Frame(cw, ch, canvas.clone(), mode));
            }
            reader.dispose();
        }
        return frames;
    }

    private static int[] gifPosition(IIOMetadata meta) {
        Node root = meta.getAsTree("javax_imageio_gif_image_1.0");
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals("ImageDescriptor")) {
                var attrs = n.getAttributes();
                return new int[] {Integer.parseInt(attrs.getNamedItem("imageLeftPosition").getNodeValue()),
                        Integer.parseInt(attrs.getNamedItem("imageTopPosition").getNodeValue())};
            }
        }
        return new int[] {0, 0};
    }
}
