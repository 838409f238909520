package dev.comfy4j.nodes.image;

/**
 * Pillow 9.4's RGB to "P" conversion onto a given 256-entry palette (libImaging Convert.c and
 * Palette.c): each colour maps to the palette entry nearest to the low corner of its 4×4×4 cache
 * cell (r, g, b rounded down to multiples of 4), squared distance, lowest index on ties. With
 * Floyd-Steinberg, errors are diffused in Pillow's integer arithmetic (sixteenths, C truncation).
 */
final class PaletteMapper {
    private final int[] palette;
    private final short[] cache = new short[64 * 64 * 64];

    /** @param palette 256 packed 0xRRGGBB entries */
    PaletteMapper(int[] palette) {
        this.palette = palette;
        java.util.Arrays.fill(cache, (short) -1);
    }

    int nearest(int r, int g, int b) {
        int slot = (r >> 2) + (g >> 2) * 64 + (b >> 2) * 64 * 64;
        if (cache[slot] < 0) cache[slot] = (short) search(r & ~3, g & ~3, b & ~3);
        return cache[slot];
    }

    private int search(int r, int g, int b) {
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int i = 0; i < palette.length; i++) {
            int dr = r - ((palette[i] >> 16) & 0xff), dg = g - ((palette[i] >> 8) & 0xff), db = b - (palette[i] & 0xff);
            long d = (long) dr * dr + (long) dg * dg + (long) db * db;
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }

    int colour(int index) {
        return palette[index];
    }

    /** Palette indices of packed 0xRRGGBB pixels, row by row, without dithering. */
    int[] map(int[] rgb) {
        int[] out = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) out[i] = nearest((rgb[i] >> 16) & 0xff, (rgb[i] >> 8) & 0xff, rgb[i] & 0xff);
        return out;
    }

    /** Palette indices with Floyd-Steinberg error diffusion, exactly as Convert.c's topalette. */
    int[] mapDithered(int[] rgb, int width, int height) {
        int[] out = new int[rgb.length];
        int[] errors = new int[(width + 1) * 3];
        for (int y = 0; y < height; y++) {
            int r = 0, r0 = 0, r1 = 0;
            int g = 0, g0 = 0, g1 = 0;
            int b = 0, b0 = 0, b1 = 0, b2 = 0;
            int e = 0;
            for (int x = 0; x < width; x++) {
                int p = rgb[y * width + x];
                r = clip8(((p >> 16) & 0xff) + (r + errors[e + 3]) / 16);
                g = clip8(((p >> 8) & 0xff) + (g + errors[e + 4]) / 16);
                b = clip8((p & 0xff) + (b + errors[e + 5]) / 16);
                int index = nearest(r, g, b);
                out[y * width + x] = index;
                r -= (palette[index] >> 16) & 0xff;
                g -= (palette[index] >> 8) & 0xff;
                b -= palette[index] & 0xff;
                // Spread 3/16, 5/16, 1/16 to the row below and 7/16 to the right, as Pillow does.
                int r2 = r, d2 = r + r;
                r += d2;
                errors[e] = r + r0;
                r += d2;
                r0 = r + r1;
                r1 = r2;
                r += d2;
                int g2 = g;
                d2 = g + g;
                g += d2;
                errors[e + 1] = g + g0;
                g += d2;
                g0 = g + g1;
                g1 = g2;
                g += d2;
                b2 = b;
                d2 = b + b;
                b += d2;
                errors[e + 2] = b + b0;
                b += d2;
                b0 = b + b1;
                b1 = b2;
                b += d2;
                e += 3;
            }
            errors[e] = b0;
            errors[e + 1] = b1;
            errors[e + 2] = b2;
        }
        return out;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
