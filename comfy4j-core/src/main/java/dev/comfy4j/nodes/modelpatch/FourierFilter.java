package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * FreeU's {@code Fourier_filter(x, threshold=1, scale)}: the 2-D spectrum of each [H, W] map with the centred
 * 2 x 2 block of the shifted spectrum multiplied by {@code scale}, transformed back, real part. After
 * {@code fftshift}, rows {@code H/2 - 1} and {@code H/2} are the frequencies -1 and 0 (only 0 when H is 1), and
 * likewise for the columns, so only four (or fewer) frequencies change and the filter is
 * {@code x + (scale - 1) P x}, where P keeps those frequencies:
 * {@code (P x)[m] = 1/(HW) sum_n x[n] cos(2 pi (ky (m_y - n_y) / H + kx (m_x - n_x) / W))} summed over them, i.e.
 * {@code (Cy x Cx^T - Sy x Sx^T) / (HW)} with the per-axis sums of cosines and sines of the kept
 * frequencies. Computed with two small matrix products instead of an FFT: the same filter, rounded
 * differently (float32, about 1e-6 relative).
 */
public final class FourierFilter {
    private FourierFilter() {}

    /** The filtered copy of x [B, C, H, W], in x's dtype, in the caller's scope. */
    public static Tensor lowFrequencies(Tensor x, double scale) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor xf = x.to(DType.F32);
            int h = (int) x.size(2);
            int w = (int) x.size(3);
            Tensor cy = Tensor.fromFloats(axis(h, true), h, h);
            Tensor sy = Tensor.fromFloats(axis(h, false), h, h);
            Tensor cxT = Tensor.fromFloats(axis(w, true), w, w).transpose(0, 1).contiguous();
            Tensor sxT = Tensor.fromFloats(axis(w, false), w, w).transpose(0, 1).contiguous();
            Tensor cos = Functional.matmul(cy, Functional.matmul(xf, cxT));
            Tensor sin = Functional.matmul(sy, Functional.matmul(xf, sxT));
            Tensor kept = cos.sub(sin).div((double) h * w);
            Tensor out = xf.add(kept.mul(scale - 1.0));
            return scope.keep(out.to(x.dtype()));
        }
    }

    /** {@code M[m][n] = sum_k cos (or sin) (2 pi k (m - n) / n)} over the kept frequencies k of an axis of length n. */
    static float[] axis(int n, boolean cosine) {
        int[] kept = n == 1 ? new int[]{0} : new int[]{0, -1};
        float[] out = new float[n * n];
        for (int m = 0; m < n; m++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k : kept) {
                    double angle = 2 * Math.PI * k * (m - j) / n;
                    sum += cosine ? Math.cos(angle) : Math.sin(angle);
                }
                out[m * n + j] = (float) sum;
            }
        }
        return out;
    }
}
