package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Classifier-free guidance around a {@link DiffusionModel}, as ComfyUI's {@code sampling_function},
 * {@code calc_cond_batch} and {@code cfg_function} do it for whole-image conditionings:
 *
 * <ul>
 *   <li>with cfg 1 the negative conditioning is not evaluated at all (the result is the positive one);</li>
 *   <li>otherwise the conditionings that can be concatenated run as one UNet batch (the negative first,
 *       as ComfyUI orders them), as many as fit the free memory by ComfyUI's estimate; contexts of
 *       different lengths are repeated to the least common multiple of their lengths
 *       ({@code CONDCrossAttn.concat}), unless that would repeat one more than 4 times, when they
 *       run in separate calls;</li>
 *   <li>the result is {@code uncond + (cond - uncond) * cfg}.</li>
 * </ul>
 *
 * <p>Areas, masks, strengths and several conditionings per side are not handled yet: each context is
 * one whole-image entry. Stateless apart from the memory probe; safe to share.
 */
public final class CfgDenoiser {
    /** ComfyUI's limit on how many times a context may be repeated to batch it with a longer one. */
    private static final long MAX_CONTEXT_REPEAT = 4;

    private final LongSupplier freeMemoryBytes;

    /** Free memory as ComfyUI sees it on the CPU: the RAM available to the process. */
    public CfgDenoiser() {
        this(MemoryStats::availableRam);
    }

    /** With a custom free-memory probe (tests use it to force separate calls). */
    public CfgDenoiser(LongSupplier freeMemoryBytes) {
        this.freeMemoryBytes = freeMemoryBytes;
    }

    /**
     * The guided prediction and its two halves; {@code uncondDenoised} is null when cfg is 1 and the
     * negative pass was skipped.
     */
    public record Result(Tensor denoised, Tensor condDenoised, Tensor uncondDenoised) {}

    /** The guided denoised latent (see {@link #denoiseWithParts}). */
    public Tensor denoise(DiffusionModel model, Tensor x, Tensor sigma, Tensor condContext, Tensor uncondContext, double cfg) {
        Result r = denoiseWithParts(model, x, sigma, condContext, uncondContext, cfg);
        r.condDenoised().close();
        if (r.uncondDenoised() != null) r.uncondDenoised().close();
        return r.denoised();
    }

    /**
     * @param x the noisy latent [B, C, H, W] in model space
     * @param sigma its noise level, [B] or a single value
     * @param condContext the positive cross-attention context [1 or B, L, D]
     * @param uncondContext the negative one [1 or B, L', D]
     * @param cfg the guidance scale
     */
    public Result denoiseWithParts(DiffusionModel model, Tensor x, Tensor sigma, Tensor condContext, Tensor uncondContext,
            double cfg) {
        return denoiseWithParts(model, x, sigma, condContext, uncondContext, cfg, true);
    }

    /**
     * As {@link #denoiseWithParts(DiffusionModel, Tensor, Tensor, Tensor, Tensor, double)}; with
     * {@code cfg1Optimization} false the negative is evaluated even at cfg 1 (ComfyUI's
     * {@code disable_cfg1_optimization}, set by the CFG++ samplers).
     */
    public Result denoiseWithParts(DiffusionModel model, Tensor x, Tensor sigma, Tensor condContext, Tensor uncondContext,
            double cfg, boolean cfg1Optimization) {
        // math.isclose(cfg, 1.0): the cfg-1 optimisation drops the negative conditioning.
        boolean skipUncond = cfg1Optimization && Math.abs(cfg - 1.0) <= 1e-9 * Math.max(Math.abs(cfg), 1.0);
        try (TensorScope scope = TensorScope.open()) {
            List<Tensor> predictions = calcCondBatch(model, Arrays.asList(condContext, skipUncond ? null : uncondContext), x, sigma);
            Tensor cond = predictions.get(0);
            Tensor uncond = predictions.get(1);
            // An absent prediction is ComfyUI's zero tensor: 0 + (cond - 0) * cfg.
            Tensor denoised = uncond == null ? cond.mul(cfg) : uncond.add(cond.sub(uncond).mul(cfg));
            scope.keep(cond);
            if (uncond != null) scope.keep(uncond);
            return new Result(scope.keep(denoised), cond, uncond);
        }
    }

    /**
     * ComfyUI's {@code calc_cond_batch} for whole-image contexts: one denoised prediction per context,
     * null where the context is null. Compatible contexts share UNet calls.
     */
    public List<Tensor> calcCondBatch(DiffusionModel model, List<Tensor> contexts, Tensor x, Tensor sigma) {
        long batch = x.size(0);
        List<Tensor> results = new ArrayList<>(Collections.nCopies(contexts.size(), (Tensor) null));
        try (TensorScope scope = TensorScope.open()) {
            Tensor sigmas = sigma.numel() == batch ? sigma.reshape(batch) : sigma.reshape(1).expand(batch);
            List<Integer> toRun = new ArrayList<>();
            List<Tensor> processed = new ArrayList<>();
            for (int i = 0; i < contexts.size(); i++) {
                processed.add(contexts.get(i) == null ? null : repeatToBatchSize(contexts.get(i), batch));
                if (contexts.get(i) != null) toRun.add(i);
            }
            while (!toRun.isEmpty()) {
                Tensor first = processed.get(toRun.get(0));
                List<Integer> compatible = new ArrayList<>();
                for (int j : toRun) if (canConcat(processed.get(j), first)) compatible.add(j);
                Collections.reverse(compatible);
                List<Integer> toBatch = compatible.subList(0, 1);
                for (int div = 1; div <= compatible.size(); div++) {
                    List<Integer> amount = compatible.subList(0, compatible.size() / div);
                    long[] shape = x.shape();
                    shape[0] = amount.size() * batch;
                    if (model.memoryRequired(shape) * 1.5 < freeMemoryBytes.getAsLong()) {
                        toBatch = amount;
                        break;
                    }
                }
                List<Tensor> batchContexts = new ArrayList<>();
                for (int j : toBatch) batchContexts.add(processed.get(j));
                int n = toBatch.size();
                Tensor input = n == 1 ? x : Tensor.cat(Collections.nCopies(n, x), 0);
                Tensor sigmaBatch = n == 1 ? sigmas : Tensor.cat(Collections.nCopies(n, sigmas), 0);
                Tensor output = model.applyModel(input, sigmaBatch, concatContexts(batchContexts));
                List<Tensor> parts = n == 1 ? List.of(output) : output.chunk(n, 0);
                for (int k = 0; k < n; k++) results.set(toBatch.get(k), scope.keep(parts.get(k)));
                toRun.removeAll(List.copyOf(toBatch));
            }
        }
        return results;
    }

    /** ComfyUI's {@code repeat_to_batch_size}: cut or tile the batch dimension to {@code batch}. */
    static Tensor repeatToBatchSize(Tensor t, long batch) {
        long have = t.size(0);
        if (have > batch) return t.narrow(0, 0, batch);
        if (have < batch) {
            long[] times = new long[t.dim()];
            Arrays.fill(times, 1);
            times[0] = (batch + have - 1) / have;
            return t.repeat(times).narrow(0, 0, batch);
        }
        return t;
    }

    /** {@code CONDCrossAttn.can_concat}. */
    static boolean canConcat(Tensor a, Tensor b) {
        long[] s1 = a.shape();
        long[] s2 = b.shape();
        if (Arrays.equals(s1, s2)) return true;
        if (s1[0] != s2[0] || s1[2] != s2[2]) return false;
        long lcm = lcm(s1[1], s2[1]);
        return lcm / Math.min(s1[1], s2[1]) <= MAX_CONTEXT_REPEAT;
    }

    /** {@code CONDCrossAttn.concat}: repeat each context along the tokens to the lcm of the lengths, then stack the batches. */
    static Tensor concatContexts(List<Tensor> contexts) {
        if (contexts.size() == 1) return contexts.get(0);
        long length = 1;
        for (Tensor c : contexts) length = lcm(length, c.size(1));
        List<Tensor> parts = new ArrayList<>();
        for (Tensor c : contexts) parts.add(c.size(1) < length ? c.repeat(1, length / c.size(1), 1) : c);
        return Tensor.cat(parts, 0);
    }

    static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long r = x % y;
            x = y;
            y = r;
        }
        return a / x * b;
    }
}
