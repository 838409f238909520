package dev.comfy4j.imaging;

/**
 * Pillow's 8-bit convolution resize ({@code Image.resize(size, filter)} for modes L, RGB and RGBA) with
 * the LANCZOS or BILINEAR filter, written from the algorithm Pillow documents in its resampling code:
 * separable passes (horizontal first) with
 * coefficients computed in double, rounded to 22-bit fixed point, accumulated in integers, then
 * shifted and clipped. RGBA is resampled premultiplied (Pillow converts to RGBa and back).
 */
public final class PilResample {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Pillow's filters: their support (in input pixels at scale 1) and their kernel. */
    public enum Filter {
        BILINEAR(1.0) {
            @Override double kernel(double x) {
                double a = Math.abs(x);
                return a < 1.0 ? 1.0 - a : 0.0;
            }
        },
        LANCZOS(3.0) {
            @Override double kernel(double x) {
                if (-3.0 <= x && x < 3.0) return sinc(x) * sinc(x / 3);
                return 0.0;
            }
        };

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double kernel(double x);
    }

    private PilResample() {}

    /** Fixed-point weights for each output position of one axis. */
    private record Coefficients(int ksize, int[] bounds, int[] weights) {}

    /**
     * @param pixels interleaved 8-bit samples, {@code channels} per pixel, row by row
     * @return the resized samples, same layout
     */
    public static byte[] resize(byte[] pixels, int width, int height, int channels, int newWidth, int newHeight,
            Filter filter) {
        if (width == newWidth && height == newHeight) return pixels.clone();
        boolean rgba = channels == 4;
        int[] data = new int[pixels.length];
        for (int i = 0; i < data.length; i++) data[i] = pixels[i] & 0xff;
        if (rgba) premultiply(data);
        int[] current = data;
        int curW = width;
        if (newWidth != width) {
            current = horizontal(current, curW, height, channels, newWidth, coefficients(width, newWidth, filter));
            curW = newWidth;
        }
        if (newHeight != height) current = vertical(current, curW, height, channels, newHeight, coefficients(height, newHeight, filter));
        if (rgba) unpremultiply(current);
        byte[] out = new byte[current.length];
        for (int i = 0; i < out.length; i++) out[i] = (byte) current[i];
        return out;
    }

    private static double sinc(double x) {
        if (x == 0.0) return 1.0;
        x = x * Math.PI;
        return Math.sin(x) / x;
    }

    private static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterScale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            for (int x = 0; x < xmax; x++) {
                double w = filter.kernel((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < ksize; x++) {
                double w = x < xmax ? (ww != 0.0 ? k[x] / ww : k[x]) : 0.0;
                weights[xx * ksize + x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS)) : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Coefficients(ksize, bounds, weights);
    }

    private static int clip8(int v) {
        int s = v >> PRECISION_BITS;
        return s < 0 ? 0 : Math.min(255, s);
    }

    private static int[] horizontal(int[] in, int w, int h, int c, int outW, Coefficients co) {
        int[] out = new int[outW * h * c];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < outW; xx++) {
                int xmin = co.bounds[xx * 2];
                int xmax = co.bounds[xx * 2 + 1];
                int kOff = xx * co.ksize;
                for (int ch = 0; ch < c; ch++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < xmax; x++) ss += in[(y * w + x + xmin) * c + ch] * co.weights[kOff + x];
                    out[(y * outW + xx) * c + ch] = clip8(ss);
                }
            }
        }
        return out;
    }

    private static int[] vertical(int[] in, int w, int h, int c, int outH, Coefficients co) {
        int[] out = new int[w * outH * c];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = co.bounds[yy * 2];
            int ymax = co.bounds[yy * 2 + 1];
            int kOff = yy * co.ksize;
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int y = 0; y < ymax; y++) ss += in[((y + ymin) * w + x) * c + ch] * co.weights[kOff + y];
                    out[(yy * w + x) * c + ch] = clip8(ss);
                }
            }
        }
        return out;
    }

    /** RGBA to RGBa: each colour times alpha / 255, rounded the way Pillow's MULDIV255 rounds. */
    private static void premultiply(int[] d) {
        for (int i = 0; i < d.length; i += 4) {
            int a = d[i + 3];
            for (int ch = 0; ch < 3; ch++) {
                int t = d[i + ch] * a + 128;
                d[i + ch] = ((t >> 8) + t) >> 8;
            }
        }
    }

    /** RGBa to RGBA: colour * 255 / alpha (integer division, clipped), unchanged for alpha 0 and 255. */
    private static void unpremultiply(int[] d) {
        for (int i = 0; i < d.length; i += 4) {
            int a = d[i + 3];
            if (a == 0 || a == 255) continue;
            for (int ch = 0; ch < 3; ch++) d[i + ch] = Math.min(255, 255 * d[i + ch] / a);
        }
    }
}
