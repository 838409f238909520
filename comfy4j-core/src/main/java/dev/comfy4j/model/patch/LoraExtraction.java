package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/**
 * ComfyUI's {@code extract_lora} (LoraSave): a weight difference approximated by a rank-{@code r} product
 * {@code up @ down}, from the truncated SVD of the difference ({@code up = U_r diag(S_r)}, {@code down = Vh_r}),
 * both then clamped to {@code +-} the 99% quantile of their values together, as ComfyUI does to cut
 * outliers. Convolutions are flattened to {@code [out, in * kh * kw]} (1x1 ones squeezed) and the factors
 * reshaped back to {@code [out, r, 1, 1]} and {@code [r, in, kh, kw]}. The rank is at most the number of
 * input and of output channels.
 *
 * <p>The SVD is the reduced one (ComfyUI asks for the full one, whose unused columns cost, for the
 * 49408-row token embedding, a 49408 x 49408 matrix); the kept columns are the same.
 */
public final class LoraExtraction {
    /** ComfyUI's {@code CLAMP_QUANTILE}. */
    public static final double CLAMP_QUANTILE = 0.99;

    /** The factors of one weight, float32. */
    public record Factors(Tensor up, Tensor down) {}

    /** The factors before the clamp: {@code u = U_r diag(S_r)} as a matrix and {@code vh = Vh_r}. */
    public record Truncated(Tensor u, Tensor vh) {}

    private LoraExtraction() {}

    /** The rank ComfyUI uses for a difference of this shape: at most its input and its output channels. */
    public static long rank(long[] shape, long requested) {
        return Math.min(requested, Math.min(shape[0], shape[1]));
    }

    /** {@code extract_lora(diff, rank)}; the results belong to the caller's scope. */
    public static Factors extract(Tensor diff, long requestedRank) {
        long[] shape = diff.shape();
        long rank = rank(shape, requestedRank);
        Truncated t = truncatedSvd(matrix(diff), rank);
        double hi = quantile(Tensor.cat(java.util.List.of(t.u().reshape(-1), t.vh().reshape(-1)), 0), CLAMP_QUANTILE);
        Tensor up = t.u().clamp(-hi, hi);
        Tensor down = t.vh().clamp(-hi, hi);
        if (shape.length == 4) {
            up = up.reshape(shape[0], rank, 1, 1);
            down = down.reshape(rank, shape[1], shape[2], shape[3]);
        }
        return new Factors(up, down);
    }

    /** The 2-d matrix {@code extract_lora} decomposes: convolutions flattened (3x3) or squeezed (1x1), float32. */
    static Tensor matrix(Tensor diff) {
        Tensor d = diff.to(DType.F32);
        if (d.dim() != 4) return d;
        if (d.size(2) == 1 && d.size(3) == 1) return d.reshape(d.size(0), d.size(1));
        return d.flatten(1, -1);
    }

    /** The rank-{@code rank} truncated SVD of a float32 matrix: {@code U[:, :r] @ diag(S[:r])} and {@code Vh[:r]}. */
    public static Truncated truncatedSvd(Tensor matrix, long rank) {
        Functional.Svd svd = Functional.svd(matrix);
        Tensor u = svd.u().narrow(1, 0, rank).mul(svd.s().narrow(0, 0, rank).reshape(1, rank));
        Tensor vh = svd.vh().narrow(0, 0, rank).contiguous();
        return new Truncated(u, vh);
    }

    /**
     * {@code torch.quantile(values, q)} of a flat float32 tensor with torch's arithmetic (the rank
     * {@code q * (n - 1)} in float32, linear interpolation between its neighbours with torch's {@code lerp}),
     * through two order statistics instead of a sort, and without torch's 16-million-element limit.
     */
    public static double quantile(Tensor values, double q) {
        long n = values.numel();
        float rank = (float) q * (float) (n - 1);
        long below = (long) rank;
        long above = (long) Math.ceil(rank);
        float weight = rank - below;
        float lo = (float) Functional.kthValue(values, below + 1).item();
        float hi = above == below ? lo : (float) Functional.kthValue(values, above + 1).item();
        float diff = hi - lo;
        return Math.abs(weight) < 0.5f ? lo + weight * diff : hi - diff * (1 - weight);
    }
}
