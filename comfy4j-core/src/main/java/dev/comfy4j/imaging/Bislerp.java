package dev.comfy4j.imaging;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;

/**
 * ComfyUI's bislerp latent resize: separable bilinear passes (width, then height) where each pair
 * of neighbouring per-pixel channel vectors is joined by a spherical lerp of their directions and a
 * linear lerp of their norms. Neighbour indices and ratios come from torch's bilinear interpolation of
 * the index ramp, exactly as ComfyUI derives them; the per-pixel arithmetic is float32.
 */
public final class Bislerp {
    private static final float NEAR_SAME = (float) (1 - 1e-5);
    private static final float NEAR_OPPOSITE = (float) (1e-5 - 1);

    private Bislerp() {}

    /** Indices (floor and next) and ratios of one axis: torch bilinear on arange(length). */
    private record Axis(int[] first, int[] second, float[] ratio) {}

    public static Tensor resize(Tensor samples, long width, long height) {
        DType dtype = samples.dtype();
        long[] s = samples.shape();
        int n = (int) s[0], c = (int) s[1], h = (int) s[2], w = (int) s[3];
        float[] data = samples.toFloatArray();
        Axis ax = axis(w, (int) width);
        float[] pass1 = new float[n * c * h * (int) width];
        int wn = (int) width;
        float[] v1 = new float[c], v2 = new float[c], res = new float[c];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < wn; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        int row = ((b * c + ch) * h + y) * w;
                        v1[ch] = data[row + ax.first[x]];
                        v2[ch] = data[row + ax.second[x]];
                    }
                    slerp(v1, v2, ax.ratio[x], res);
                    for (int ch = 0; ch < c; ch++) pass1[((b * c + ch) * h + y) * wn + x] = res[ch];
                }
            }
        }
        int hn = (int) height;
        Axis ay = axis(h, hn);
        float[] out = new float[n * c * hn * wn];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < hn; y++) {
                for (int x = 0; x < wn; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        int plane = (b * c + ch) * h;
                        v1[ch] = pass1[(plane + ay.first[y]) * wn + x];
                        v2[ch] = pass1[(plane + ay.second[y]) * wn + x];
                    }
                    slerp(v1, v2, ay.ratio[y], res);
                    for (int ch = 0; ch < c; ch++) out[((b * c + ch) * hn + y) * wn + x] = res[ch];
                }
            }
        }
        return Tensor.fromFloats(out, n, c, hn, wn).to(dtype);
    }

    private static Axis axis(int oldLength, int newLength) {
        float[] coords1;
        float[] coords2;
        try (Tensor ramp = Tensor.arange(0, oldLength, 1, DType.F32).reshape(1, 1, 1, oldLength);
                Tensor up1 = Functional.interpolate(ramp, 1, newLength, Interpolation.BILINEAR, false)) {
            coords1 = up1.toFloatArray();
        }
        float[] shifted = new float[oldLength];
        for (int i = 0; i < oldLength; i++) shifted[i] = i + 1;
        shifted[oldLength - 1] -= 1;
        try (Tensor ramp = Tensor.fromFloats(shifted, 1, 1, 1, oldLength);
                Tensor up2 = Functional.interpolate(ramp, 1, newLength, Interpolation.BILINEAR, false)) {
            coords2 = up2.toFloatArray();
        }
        int[] first = new int[newLength];
        int[] second = new int[newLength];
        float[] ratio = new float[newLength];
        for (int i = 0; i < newLength; i++) {
            ratio[i] = coords1[i] - (float) Math.floor(coords1[i]);
            first[i] = (int) coords1[i];
            second[i] = (int) coords2[i];
        }
        return new Axis(first, second, ratio);
    }

    private static void slerp(float[] b1, float[] b2, float r, float[] out) {
        int c = b1.length;
        float n1 = norm(b1);
        float n2 = norm(b2);
        float dot = 0f;
        float[] u1 = new float[c];
        float[] u2 = new float[c];
        for (int i = 0; i < c; i++) {
            u1[i] = n1 == 0f ? 0f : b1[i] / n1;
            u2[i] = n2 == 0f ? 0f : b2[i] / n2;
        }
        for (int i = 0; i < c; i++) dot += u1[i] * u2[i];
        float oneMinusR = 1.0f - r;
        if (dot > NEAR_SAME) {
            System.arraycopy(b1, 0, out, 0, c);
            return;
        }
        if (dot < NEAR_OPPOSITE) {
            for (int i = 0; i < c; i++) out[i] = b1[i] * oneMinusR + b2[i] * r;
            return;
        }
        float omega = (float) Math.acos(dot);
        float so = (float) Math.sin(omega);
        float k1 = (float) Math.sin(oneMinusR * omega) / so;
        float k2 = (float) Math.sin(r * omega) / so;
        float scale = n1 * oneMinusR + n2 * r;
        for (int i = 0; i < c; i++) out[i] = (k1 * u1[i] + k2 * u2[i]) * scale;
    }

    private static float norm(float[] v) {
        float sum = 0f;
        for (float x : v) sum += x * x;
        return (float) Math.sqrt(sum);
    }
}
