package dev.comfy4j.imaging;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * An 8-bit RGB or RGBA PNG encoder with text chunks and a zlib compression level, the parts of Pillow's
 * PNG writer that ComfyUI uses. Text whose key and value fit Latin-1 goes into {@code tEXt}; other text
 * into an uncompressed {@code iTXt}, as Pillow's {@code PngInfo.add_text} does.
 */
public final class PngWriter {
    private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};

    private PngWriter() {}

    /**
     * @param argb pixels as 0xAARRGGBB, row by row
     * @param withAlpha RGBA (colour type 6) when true, else RGB (colour type 2) and alpha is dropped
     * @param text chunk key → value, in order
     * @param compressionLevel zlib level 0-9
     */
    public static byte[] encode(int width, int height, int[] argb, boolean withAlpha, Map<String, String> text,
            int compressionLevel) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(SIGNATURE);
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.writeByte(8);
            h.writeByte(withAlpha ? 6 : 2);
            h.writeByte(0);
            h.writeByte(0);
            h.writeByte(0);
            chunk(out, "IHDR", ihdr.toByteArray());
            for (Map.Entry<String, String> e : text.entrySet()) writeText(out, e.getKey(), e.getValue());
            chunk(out, "IDAT", imageData(width, height, argb, withAlpha, compressionLevel));
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeText(ByteArrayOutputStream out, String key, String value) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        if (latin1(key) && latin1(value)) {
            data.write(key.getBytes(StandardCharsets.ISO_8859_1));
            data.write(0);
            data.write(value.getBytes(StandardCharsets.ISO_8859_1));
            chunk(out, "tEXt", data.toByteArray());
        } else {
            data.write(key.getBytes(StandardCharsets.UTF_8));
            data.write(new byte[] {0, 0, 0, 0, 0}); // end of key, not compressed, method 0, no language, no translated key
            data.write(value.getBytes(StandardCharsets.UTF_8));
            chunk(out, "iTXt", data.toByteArray());
        }
    }

    private static boolean latin1(String s) {
        return StandardCharsets.ISO_8859_1.newEncoder().canEncode(s);
    }

    private static byte[] imageData(int width, int height, int[] argb, boolean alpha, int level) throws IOException {
        int channels = alpha ? 4 : 3;
        int stride = width * channels;
        byte[] previous = new byte[stride];
        byte[] current = new byte[stride];
        byte[][] candidates = new byte[5][stride];
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Math.max(0, Math.min(9, level)));
        try (DeflaterOutputStream z = new DeflaterOutputStream(compressed, deflater)) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int p = argb[y * width + x];
                    int o = x * channels;
                    current[o] = (byte) (p >> 16);
                    current[o + 1] = (byte) (p >> 8);
                    current[o + 2] = (byte) p;
                    if (alpha) current[o + 3] = (byte) (p >>> 24);
                }
                int best = chooseFilter(current, previous, channels, candidates);
                z.write(best);
                z.write(candidates[best]);
                byte[] t = previous;
                previous = current;
                current = t;
            }
        } finally {
            deflater.end();
        }
        return compressed.toByteArray();
    }

    /** Fills every filter's row and returns the one with the smallest sum of absolute values (libpng's heuristic). */
    private static int chooseFilter(byte[] row, byte[] prior, int bpp, byte[][] out) {
        long bestSum = Long.MAX_VALUE;
        int best = 0;
        for (int f = 0; f < 5; f++) {
            long sum = 0;
            for (int i = 0; i < row.length; i++) {
                int raw = row[i] & 0xff;
                int left = i >= bpp ? row[i - bpp] & 0xff : 0;
                int up = prior[i] & 0xff;
                int upLeft = i >= bpp ? prior[i - bpp] & 0xff : 0;
                int v = switch (f) {
                    case 0 -> raw;
                    case 1 -> raw - left;
                    case 2 -> raw - up;
                    case 3 -> raw - ((left + up) >> 1);
                    default -> raw - paeth(left, up, upLeft);
                };
                out[f][i] = (byte) v;
                int signed = (byte) v;
                sum += Math.abs(signed);
            }
            if (sum < bestSum) {
                bestSum = sum;
                best = f;
            }
        }
        return best;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        d.write(typeBytes);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
