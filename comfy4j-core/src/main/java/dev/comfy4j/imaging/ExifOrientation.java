package dev.comfy4j.imaging;

/** Reads the EXIF Orientation tag (0x0112) of a JPEG's APP1 segment; ImageIO does not apply it. */
public final class ExifOrientation {
    private ExifOrientation() {}

    /** The orientation 1-8, or 1 when absent or unreadable. */
    public static int of(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) return 1;
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xff) == 0xFF) {
            int marker = b[pos + 1] & 0xff;
            int len = ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
            if (marker == 0xDA) break;
            if (marker == 0xE1 && len > 8 && b[pos + 4] == 'E' && b[pos + 5] == 'x' && b[pos + 6] == 'i' && b[pos + 7] == 'f') {
                return fromTiff(b, pos + 10, Math.min(b.length, pos + 2 + len));
            }
            pos += 2 + len;
        }
        return 1;
    }

    private static int fromTiff(byte[] b, int start, int end) {
        try {
            boolean little = b[start] == 'I';
            int ifd = start + read(b, start + 4, 4, little);
            int count = read(b, ifd, 2, little);
            for (int i = 0; i < count; i++) {
                int e = ifd + 2 + i * 12;
                if (e + 12 > end) break;
                if (read(b, e, 2, little) == 0x0112) return read(b, e + 8, 2, little);
            }
        } catch (ArrayIndexOutOfBoundsException ignored) {
            // A truncated EXIF block counts as no orientation, as Pillow ignores broken EXIF.
        }
        return 1;
    }

    private static int read(byte[] b, int at, int n, boolean little) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int byteVal = b[at + (little ? i : n - 1 - i)] & 0xff;
            v |= byteVal << (8 * i);
        }
        return v;
    }
}
