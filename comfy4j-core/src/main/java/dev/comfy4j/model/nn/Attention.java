package dev.comfy4j.model.nn;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * {@code softmax(q k^T / sqrt(d)) v} without a mask, as bmm, in-place softmax and bmm over blocks of
 * heads and query rows whose score matrix fits a fixed budget; one score buffer serves every block.
 *
 * <p>Why not libtorch's {@code scaled_dot_product_attention}: its CPU flash kernel splits the work over
 * ATen's OpenMP threads and calls OpenBLAS for each small tile from inside them, so the two thread pools
 * fight over the cores. On the 2-core machine it ran the UNet's 4096-token self-attention at 745 ms (idle)
 * where whole-head bmm + softmax + bmm take about 440 ms, and under load it was 6-9 times slower than
 * this (see bench/README.md). The sums are the same ones in another order (a few 1e-7 relative), as with
 * ComfyUI's own split and sub-quadratic CPU attention.
 */
public final class Attention {
    /** Bytes of scores computed at a time: a whole head of a 64x64 latent (4096 x 4096 floats). */
    static final long SCORE_BUDGET_BYTES = 64L << 20;

    private Attention() {}

    /**
     * {@code q} [G, N, D], {@code k} and {@code v} [G, M, D] (G = batch x heads, any strides) to
     * [G, N, D] float32, with the default scale {@code 1/sqrt(D)}.
     */
    public static Tensor compute(Tensor q, Tensor k, Tensor v) {
        return compute(q, k, v, SCORE_BUDGET_BYTES);
    }

    /** As {@link #compute(Tensor, Tensor, Tensor)} with at most {@code budgetBytes} of scores per block (at least one row). */
    static Tensor compute(Tensor q, Tensor k, Tensor v, long budgetBytes) {
        long g = q.size(0);
        long n = q.size(1);
        long d = q.size(2);
        long m = k.size(1);
        long perHead = n * m * Float.BYTES;
        long headsPerBlock = Math.max(1, Math.min(g, budgetBytes / Math.max(1, perHead)));
        long rowsPerBlock = headsPerBlock > 1 ? n : Math.max(1, Math.min(n, budgetBytes / Math.max(1, m * Float.BYTES)));
        Tensor out = Tensor.empty(q.dtype(), q.device(), g, n, d);
        try (TensorScope scope = TensorScope.open()) {
            // Scaling q (N x D values) instead of the scores (N x M) gives the same softmax input up to rounding.
            Tensor scaledQ = q.mul(1.0 / Math.sqrt(d));
            Tensor kT = k.transpose(1, 2).contiguous();
            Tensor vc = v.contiguous();
            Tensor scores = Tensor.empty(q.dtype(), q.device(), headsPerBlock, rowsPerBlock, m);
            for (long h = 0; h < g; h += headsPerBlock) {
                long heads = Math.min(headsPerBlock, g - h);
                for (long r = 0; r < n; r += rowsPerBlock) {
                    long rows = Math.min(rowsPerBlock, n - r);
                    try (TensorScope block = TensorScope.open()) {
                        Tensor s = scores.narrow(0, 0, heads).narrow(1, 0, rows);
                        Functional.bmmInto(s, scaledQ.narrow(0, h, heads).narrow(1, r, rows), kT.narrow(0, h, heads));
                        Functional.softmax_(s, -1);
                        Functional.bmmInto(out.narrow(0, h, heads).narrow(1, r, rows), s, vc.narrow(0, h, heads));
                    }
                }
            }
        }
        return out;
    }
}
