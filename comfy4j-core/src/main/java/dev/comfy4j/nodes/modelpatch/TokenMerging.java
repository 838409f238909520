package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Token merging for SD ({@code nodes_tomesd.py}, from dbolya/tomesd): before a self-attention at full latent
 * resolution, the queries are split into dst tokens (one picked at random in each 2x2 cell of the latent grid) and
 * src tokens; the r src tokens most similar to a dst token (cosine similarity of the queries) are averaged into
 * it, so the attention runs on N - r queries; after it, every merged token takes its dst token's output again.
 *
 * <p>The steps are ComfyUI's torch calls in ComfyUI's order (randint, scatter, argsort, gather, matmul, max,
 * argsort, scatter_reduce), on the same libtorch kernels, so ties and rounding come out as torch's do.
 */
public final class TokenMerging {
    /** {@code stride_x}, {@code stride_y}: one dst token per 2x2 cell. */
    static final long STRIDE = 2;
    /** {@code max_downsample}: only attentions at the latent's own resolution merge. */
    static final long MAX_DOWNSAMPLE = 1;

    private TokenMerging() {}

    /**
     * {@code get_functions}: the merge of the attention whose queries are {@code metric} [B, N, C] inside a UNet
     * run on a latent of {@code originalShape} [B, C, H, W], or null where ComfyUI merges nothing (a downsampled
     * level, r = int(N * ratio) of 0, a grid one token wide or high). {@code random} is asked for the generator only
     * when a merge happens, as ComfyUI calls {@code torch.randint} only then.
     */
    public static Matching plan(Tensor metric, double ratio, long[] originalShape, Supplier<TorchGenerator> random) {
        long originalH = originalShape[2];
        long originalW = originalShape[3];
        long tokens = metric.size(1);
        long downsample = (long) Math.ceil(Math.sqrt((double) (originalH * originalW / tokens)));
        if (downsample > MAX_DOWNSAMPLE) return null;
        // math.ceil(original_w / 0) in ComfyUI: more queries than latent pixels (another patch made them)
        if (downsample == 0) throw new PyError("ZeroDivisionError", "float division by zero");
        long w = (long) Math.ceil((double) originalW / downsample);
        long h = (long) Math.ceil((double) originalH / downsample);
        long r = (long) (tokens * ratio);
        if (r <= 0 || w == 1 || h == 1) return null;
        try (TensorScope scope = TensorScope.open()) {
            Tensor randIdx = Tensor.randint(random.get(), STRIDE * STRIDE, h / STRIDE, w / STRIDE, 1);
            Matching m = match(metric, w, h, STRIDE, STRIDE, r, randIdx);
            m.keepIn(scope);
            return m;
        }
    }

    /**
     * {@code bipartite_soft_matching_random2d} given its random draw {@code randIdx} [h/sy, w/sx, 1] (the position of
     * the dst token inside each sy x sx cell). Index tensors in the caller's scope.
     */
    static Matching match(Tensor metric, long w, long h, long sx, long sy, long r, Tensor randIdx) {
        long batch = metric.size(0);
        long tokens = metric.size(1);
        long hsy = h / sy;
        long wsx = w / sx;
        try (TensorScope scope = TensorScope.open()) {
            // dst tokens are -1, src tokens 0, so an argsort puts the dst indices first
            Tensor cells = Tensor.zeros(DType.I64, hsy, wsx, sy * sx);
            cells.scatter_(2, randIdx, Tensor.full(-1, DType.I64, randIdx.shape()));
            Tensor view = cells.view(hsy, wsx, sy, sx).transpose(1, 2).reshape(hsy * sy, wsx * sx);
            Tensor buffer = view;
            if (hsy * sy < h || wsx * sx < w) {
                buffer = Tensor.zeros(DType.I64, h, w);
                buffer.narrow(0, 0, hsy * sy).narrow(1, 0, wsx * sx).copy_(view);
            }
            Tensor order = buffer.reshape(1, -1, 1).argsort(1, false).to(metric.device());
            long numDst = hsy * wsx;
            Tensor aIdx = order.narrow(1, numDst, order.size(1) - numDst);
            Tensor bIdx = order.narrow(1, 0, numDst);

            Tensor normalised = metric.div(metric.norm(-1, true));
            Tensor a = split(normalised, aIdx, batch);
            Tensor b = split(normalised, bIdx, batch);
            Tensor scores = Functional.matmul(a, b.transpose(-1, -2));
            long merged = Math.min(a.size(1), r);
            List<Tensor> best = scores.maxWithIndices(-1);
            Tensor edgeIdx = best.get(0).argsort(-1, true).unsqueeze(-1);
            Tensor unmIdx = edgeIdx.narrow(-2, merged, edgeIdx.size(-2) - merged);
            Tensor srcIdx = edgeIdx.narrow(-2, 0, merged);
            Tensor dstIdx = best.get(1).unsqueeze(-1).gather(-2, srcIdx);
            Matching m = new Matching(batch, tokens, merged, aIdx, bIdx, unmIdx, srcIdx, dstIdx);
            m.keepIn(scope);
            return m;
        }
    }

    /** {@code gather(x, dim=1, index=idx.expand(B, len(idx), C))}. */
    private static Tensor split(Tensor x, Tensor idx, long batch) {
        return x.gather(1, idx.expand(batch, idx.size(1), x.size(-1)));
    }

    /**
     * One attention's matching: src tokens {@code aIdx} and dst tokens {@code bIdx} [1, *, 1] (token positions),
     * the src tokens kept ({@code unmIdx}) and merged ({@code srcIdx}) [B, *, 1] (positions among the src tokens,
     * most similar first) and the dst each merged one joins ({@code dstIdx}, positions among the dst tokens).
     */
    public record Matching(long batch, long tokens, long merged, Tensor aIdx, Tensor bIdx, Tensor unmIdx, Tensor srcIdx,
                           Tensor dstIdx) implements AutoCloseable {
        /** {@code merge(x)}: [B, N, C] to [B, N - r, C], the kept src tokens first, then the dst tokens with their means. */
        public Tensor merge(Tensor x) {
            try (TensorScope scope = TensorScope.open()) {
                long n = x.size(0);
                long c = x.size(2);
                Tensor src = split(x, aIdx, n);
                Tensor dst = split(x, bIdx, n);
                long srcTokens = src.size(1);
                Tensor unm = src.gather(-2, unmIdx.expand(n, srcTokens - merged, c));
                Tensor moved = src.gather(-2, srcIdx.expand(n, merged, c));
                dst = dst.scatterReduce(-2, dstIdx.expand(n, merged, c), moved, "mean");
                return scope.keep(Tensor.cat(List.of(unm, dst), 1));
            }
        }

        /** {@code unmerge(x)}: [B, N - r, C] back to [B, N, C], each merged token a copy of its dst token. */
        public Tensor unmerge(Tensor x) {
            try (TensorScope scope = TensorScope.open()) {
                long unmLen = unmIdx.size(1);
                long c = x.size(2);
                Tensor unm = x.narrow(1, 0, unmLen);
                Tensor dst = x.narrow(1, unmLen, x.size(1) - unmLen);
                Tensor src = dst.gather(-2, dstIdx.expand(batch, merged, c));
                Tensor out = Tensor.zeros(x.dtype(), x.device(), batch, tokens, c);
                long numDst = bIdx.size(1);
                Tensor srcPositions = aIdx.expand(batch, aIdx.size(1), 1);
                out.scatter_(-2, bIdx.expand(batch, numDst, c), dst);
                out.scatter_(-2, srcPositions.gather(1, unmIdx).expand(batch, unmLen, c), unm);
                out.scatter_(-2, srcPositions.gather(1, srcIdx).expand(batch, merged, c), src);
                return scope.keep(out);
            }
        }

        private void keepIn(TensorScope scope) {
            for (Tensor t : List.of(aIdx, bIdx, unmIdx, srcIdx, dstIdx)) scope.keep(t);
        }

        @Override
        public void close() {
            for (Tensor t : List.of(aIdx, bIdx, unmIdx, srcIdx, dstIdx)) t.close();
        }
    }
}
