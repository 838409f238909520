package dev.comfy4j.imaging;

import dev.comfy4j.python.PyError;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Animated PNG as Pillow 9.4 writes it with {@code save_all=True}: acTL, then per frame an fcTL and
 * the pixels (IDAT for the first frame, fdAT after), then the private chunks marked "after IDAT".
 * Like Pillow, a frame whose RGB equals the previous written frame is dropped, and other frames are
 * cropped to the bounding box of the RGB difference (dispose none, blend source).
 */
public final class ApngWriter {
    private ApngWriter() {}

    /** One frame to write: its full pixels and the box (x0, y0, x1, y1) that is stored. */
    private record Frame(int[] argb, int x0, int y0, int x1, int y1) {}

    /**
     * @param frames 0xAARRGGBB pixels of each frame, width·height each
     * @param afterIdat private chunks (type → data), written after the frames
     */
    public static byte[] encode(int width, int height, List<int[]> frames, boolean withAlpha, int durationMs,
            List<Map.Entry<String, byte[]>> afterIdat, int compressLevel) {
        if (durationMs < 0 || durationMs > 65535) throw new PyError("error", "'H' format requires 0 <= number <= 65535");
        List<Frame> kept = new ArrayList<>();
        for (int[] argb : frames) {
            if (kept.isEmpty()) {
                kept.add(new Frame(argb, 0, 0, width, height));
                continue;
            }
            int[] box = rgbDifferenceBox(kept.get(kept.size() - 1).argb(), argb, width, height);
            if (box != null) kept.add(new Frame(argb, box[0], box[1], box[2], box[3]));
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] still = PngWriter.encode(width, height, frames.get(0), withAlpha, Map.of(), compressLevel);
            out.write(still, 0, 8);
            chunk(out, "IHDR", chunkData(still, "IHDR").get(0));
            chunk(out, "acTL", ints(kept.size(), 0));
            int sequence = 0;
            for (int f = 0; f < kept.size(); f++) {
                Frame frame = kept.get(f);
                int w = frame.x1() - frame.x0(), h = frame.y1() - frame.y0();
                ByteBuffer fctl = ByteBuffer.allocate(26);
                fctl.putInt(sequence++).putInt(w).putInt(h).putInt(frame.x0()).putInt(frame.y0());
                fctl.putShort((short) durationMs).putShort((short) 1000).put((byte) 0).put((byte) 0);
                chunk(out, "fcTL", fctl.array());
                byte[] png = PngWriter.encode(w, h, crop(frame, width), withAlpha, Map.of(), compressLevel);
                for (byte[] idat : chunkData(png, "IDAT")) {
                    if (f == 0) {
                        chunk(out, "IDAT", idat);
                    } else {
                        ByteBuffer fdat = ByteBuffer.allocate(4 + idat.length);
                        fdat.putInt(sequence++).put(idat);
                        chunk(out, "fdAT", fdat.array());
                    }
                }
            }
            for (Map.Entry<String, byte[]> e : afterIdat) chunk(out, e.getKey(), e.getValue());
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The (x0, y0, x1, y1) box of pixels whose RGB differs, or null when none does (ImageChops + getbbox). */
    public static int[] rgbDifferenceBox(int[] previous, int[] current, int width, int height) {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (((previous[i] ^ current[i]) & 0xffffff) == 0) continue;
                x0 = Math.min(x0, x);
                y0 = Math.min(y0, y);
                x1 = Math.max(x1, x);
                y1 = Math.max(y1, y);
            }
        }
        return x1 < 0 ? null : new int[] {x0, y0, x1 + 1, y1 + 1};
    }

    private static int[] crop(Frame frame, int width) {
        int w = frame.x1() - frame.x0(), h = frame.y1() - frame.y0();
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) System.arraycopy(frame.argb(), (frame.y0() + y) * width + frame.x0(), out, y * w, w);
        return out;
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        for (int v : values) b.putInt(v);
        return b.array();
    }

    /** The data of every chunk of one type in a PNG, in order. */
    public static List<byte[]> chunkData(byte[] png, String type) {
        List<byte[]> found = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.position(8);
        while (buf.remaining() >= 12) {
            int length = buf.getInt();
            byte[] t = new byte[4];
            buf.get(t);
            byte[] data = new byte[length];
            buf.get(data);
            buf.getInt();
            if (new String(t, StandardCharsets.US_ASCII).equals(type)) found.add(data);
        }
        return found;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(typeBytes);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
