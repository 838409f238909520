package dev.comfy4j.nodes.image;

import java.util.ArrayDeque;

/**
 * kornia.filters.canny (kornia 0.7.1, defaults: 5x5 Gaussian with sigma 1, hysteresis on) on one
 * grey H x W plane, in float32 with torch's operation order so that ties on flat gradients fall
 * the same way:
 * <ol>
 * <li>separable Gaussian blur, reflect border, kernel exp(-x^2/2) normalised by its sum;</li>
 * <li>Sobel gradients (unnormalised), replicate border;</li>
 * <li>magnitude sqrt(gx^2 + gy^2 + 1e-6), direction atan2 rounded to a multiple of 45 degrees;</li>
 * <li>non-maximum suppression: a pixel survives when it is strictly larger than both neighbours
 * along its direction (outside the image counts as 0);</li>
 * <li>weak (&gt; low) and strong (&gt; high) pixels; weak pixels 8-connected to a strong one through
 * weak pixels become edges. kornia grows them one ring per iteration until nothing changes, which
 * ends at the same set as this flood fill.</li>
 * </ol>
 */
final class CannyEdges {
    private static final int RADIUS = 2;
    private static final float EPS = 1e-6f;
    private static final float FOUR_OVER_PI = (float) (4 / Math.PI);
    /** Row and column offsets of the NMS neighbour for each direction index 0..7 (kornia's kernel order). */
    private static final int[] DY = {0, 1, 1, 1, 0, -1, -1, -1};
    private static final int[] DX = {1, 1, 0, -1, -1, -1, 0, 1};

    private CannyEdges() {}

    /** Edges (0 or 1) of {@code gray} [h*w], row-major. */
    static float[] edges(float[] gray, int h, int w, float low, float high) {
        float[] blurred = blur(gray, h, w);
        float[] magnitude = new float[h * w];
        int[] direction = new int[h * w];
        gradients(blurred, h, w, magnitude, direction);
        byte[] level = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float m = magnitude[i];
                int pos = direction[i];
                int neg = (pos + 4) & 7;
                boolean isMax = m - neighbour(magnitude, h, w, y + DY[pos], x + DX[pos]) > 0f
                        && m - neighbour(magnitude, h, w, y + DY[neg], x + DX[neg]) > 0f;
                float kept = isMax ? m : 0f;
                level[i] = (byte) (kept > high ? 2 : kept > low ? 1 : 0);
            }
        }
        return hysteresis(level, h, w);
    }

    private static float neighbour(float[] plane, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0f : plane[y * w + x];
    }

    /** The normalised 5-tap Gaussian of sigma 1, computed in float32 like kornia's get_gaussian_kernel1d. */
    static float[] gaussianKernel() {
        float[] k = new float[2 * RADIUS + 1];
        float sum = 0f;
        for (int i = 0; i < k.length; i++) {
            float x = i - RADIUS;
            k[i] = (float) Math.exp(-(x * x) / 2f);
            sum += k[i];
        }
        for (int i = 0; i < k.length; i++) k[i] = k[i] / sum;
        return k;
    }

    /** filter2d_separable: along the width first, then along the height; reflect padding. */
    private static float[] blur(float[] in, int h, int w) {
        if (h <= RADIUS || w <= RADIUS) {
            throw dev.comfy4j.python.PyError.valueError("Padding size should be less than the corresponding input dimension");
        }
        float[] k = gaussianKernel();
        float[] rows = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float acc = 0f;
                for (int t = 0; t < k.length; t++) acc += k[t] * in[y * w + reflect(x + t - RADIUS, w)];
                rows[y * w + x] = acc;
            }
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float acc = 0f;
                for (int t = 0; t < k.length; t++) acc += k[t] * rows[reflect(y + t - RADIUS, h) * w + x];
                out[y * w + x] = acc;
            }
        }
        return out;
    }

    private static int reflect(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * (n - 1) - i;
        return i;
    }

    /** Sobel with replicate border; the products are by 1 and 2 (exact), summed in kernel row-major order. */
    private static void gradients(float[] p, int h, int w, float[] magnitude, int[] direction) {
        for (int y = 0; y < h; y++) {
            int ym = Math.max(y - 1, 0) * w, y0 = y * w, yp = Math.min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++) {
                int xm = Math.max(x - 1, 0), xp = Math.min(x + 1, w - 1);
                float gx = -p[ym + xm];
                gx += p[ym + xp];
                gx += -2f * p[y0 + xm];
                gx += 2f * p[y0 + xp];
                gx += -p[yp + xm];
                gx += p[yp + xp];
                float gy = -p[ym + xm];
                gy += -2f * p[ym + x];
                gy += -p[ym + xp];
                gy += p[yp + xm];
                gy += 2f * p[yp + x];
                gy += p[yp + xp];
                int i = y0 + x;
                magnitude[i] = (float) Math.sqrt(gx * gx + gy * gy + EPS);
                float octant = (float) Math.rint((float) Math.atan2(gy, gx) * FOUR_OVER_PI);
                direction[i] = Math.floorMod((int) octant, 8);
            }
        }
    }

    /** Strong pixels, plus weak ones reachable from a strong one through weak 8-neighbours. */
    private static float[] hysteresis(byte[] level, int h, int w) {
        float[] out = new float[h * w];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < level.length; i++) {
            if (level[i] == 2) {
                out[i] = 1f;
                queue.add(i);
            }
        }
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int y = i / w, x = i % w;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = y + dy, xx = x + dx;
                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                    int j = yy * w + xx;
                    if (level[j] == 1 && out[j] == 0f) {
                        out[j] = 1f;
                        queue.add(j);
                    }
                }
            }
        }
        return out;
    }
}
