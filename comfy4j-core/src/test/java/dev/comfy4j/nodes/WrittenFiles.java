package dev.comfy4j.nodes;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Readers for the files the save nodes write, enough to compare them with the recorded ones. */
final class WrittenFiles {
    private WrittenFiles() {}

    record Chunk(String type, byte[] data) {}

    static List<Chunk> pngChunks(byte[] png) {
        List<Chunk> chunks = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.position(8);
        while (buf.remaining() >= 12) {
            int length = buf.getInt();
            byte[] t = new byte[4];
            buf.get(t);
            byte[] data = new byte[length];
            buf.get(data);
            buf.getInt();
            chunks.add(new Chunk(new String(t, StandardCharsets.US_ASCII), data));
        }
        return chunks;
    }

    /** The chunk types in order, runs of the same type folded into one (zlib may split the data differently). */
    static List<String> chunkOrder(List<Chunk> chunks) {
        List<String> order = new ArrayList<>();
        for (Chunk c : chunks) if (order.isEmpty() || !order.get(order.size() - 1).equals(c.type())) order.add(c.type());
        return order;
    }

    /** The {@code comf} chunks as keyword → text (Latin-1). */
    static Map<String, String> comf(List<Chunk> chunks) {
        Map<String, String> text = new LinkedHashMap<>();
        for (Chunk c : chunks) {
            if (!c.type().equals("comf")) continue;
            String s = new String(c.data(), StandardCharsets.ISO_8859_1);
            int z = s.indexOf('\0');
            text.put(s.substring(0, z), s.substring(z + 1));
        }
        return text;
    }

    /** Every APNG frame composited on the canvas (dispose none, blend source: what these files use). */
    static List<BufferedImage> apngFrames(List<Chunk> chunks) throws IOException {
        byte[] ihdr = chunks.get(0).data();
        int width = ByteBuffer.wrap(ihdr).getInt(), height = ByteBuffer.wrap(ihdr).getInt(4);
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        List<BufferedImage> frames = new ArrayList<>();
        ByteBuffer fctl = null;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Chunk c : chunks) {
            boolean frameEnds = c.type().equals("fcTL") || c.type().equals("IEND");
            if (frameEnds && fctl != null) {
                frames.add(paint(canvas, ihdr, fctl, data.toByteArray()));
                data.reset();
            }
            if (c.type().equals("fcTL")) fctl = ByteBuffer.wrap(c.data());
            if (c.type().equals("IDAT")) data.write(c.data());
            if (c.type().equals("fdAT")) data.write(c.data(), 4, c.data().length - 4);
        }
        return frames;
    }

    private static BufferedImage paint(BufferedImage canvas, byte[] ihdr, ByteBuffer fctl, byte[] idat) throws IOException {
        int w = fctl.getInt(4), h = fctl.getInt(8), x = fctl.getInt(12), y = fctl.getInt(16);
        byte[] header = ihdr.clone();
        ByteBuffer.wrap(header).putInt(w).putInt(h);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 137, 80, 78, 71, 13, 10, 26, 10});
        chunk(png, "IHDR", header);
        chunk(png, "IDAT", idat);
        chunk(png, "IEND", new byte[0]);
        BufferedImage part = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        for (int j = 0; j < h; j++) for (int i = 0; i < w; i++) canvas.setRGB(x + i, y + j, part.getRGB(i, j));
        BufferedImage copy = new BufferedImage(canvas.getWidth(), canvas.getHeight(), BufferedImage.TYPE_INT_ARGB);
        copy.setData(canvas.getData());
        return copy;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    /** The top-level RIFF chunks of a WebP file. */
    static List<Chunk> riffChunks(byte[] webp) {
        return riff(webp, 12, webp.length);
    }

    static List<Chunk> riff(byte[] bytes, int from, int to) {
        List<Chunk> chunks = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int p = from;
        while (p + 8 <= to) {
            String type = new String(bytes, p, 4, StandardCharsets.US_ASCII);
            int length = buf.getInt(p + 4);
            chunks.add(new Chunk(type, java.util.Arrays.copyOfRange(bytes, p + 8, p + 8 + length)));
            p += 8 + length + (length & 1);
        }
        return chunks;
    }

    /** The ASCII tags of the first IFD of a TIFF/EXIF block, keyed like the manifest ("0x0110"). */
    static Map<String, String> exifAscii(byte[] exif) {
        int start = new String(exif, 0, Math.min(6, exif.length), StandardCharsets.ISO_8859_1).equals("Exif\0\0") ? 6 : 0;
        ByteBuffer b = ByteBuffer.wrap(exif, start, exif.length - start).slice();
        b.order(exif[start] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = b.getInt(4);
        int n = b.getShort(ifd) & 0xffff;
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + 12 * i;
            int tag = b.getShort(e) & 0xffff, count = b.getInt(e + 4);
            int at = count <= 4 ? e + 8 : b.getInt(e + 8);
            byte[] v = new byte[count];
            b.get(at, v);
            int len = count > 0 && v[count - 1] == 0 ? count - 1 : count;
            tags.put(String.format("0x%04X", tag), new String(v, 0, len, StandardCharsets.US_ASCII));
        }
        return tags;
    }
}
