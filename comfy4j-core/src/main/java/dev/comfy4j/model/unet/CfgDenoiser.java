package dev.comfy4j.model.unet;

import dev.comfy4j.model.options.CfgFunction;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.options.PostCfgFunction;
import dev.comfy4j.model.options.PreCfgFunction;
import dev.comfy4j.model.options.RunState;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Classifier-free guidance around a {@link ConditionedModel}, as ComfyUI's {@code sampling_function},
 * {@code calc_cond_batch}, {@code get_area_and_mult} and {@code cfg_function} do it:
 *
 * <ul>
 *   <li>with cfg 1 the negative conditioning is not evaluated at all (the result is the positive one);</li>
 *   <li>each entry outside its timestep range (sigma above {@code timestep_start} or below
 *       {@code timestep_end}) is skipped for this step;</li>
 *   <li>an entry with an area sees only that crop of x; its weight ({@code mult}) is its mask times the
 *       mask strength, or, without a mask, ones feathered linearly over up to 8 latent pixels (a quarter
 *       of the area's side at most) at every edge that is not the latent's edge; times its strength;</li>
 *   <li>entries whose crops have the same shape and whose contexts can be concatenated run as one UNet
 *       batch (the last ones first, as ComfyUI orders them), as many as fit the free memory by ComfyUI's
 *       estimate; contexts of different lengths are repeated to the least common multiple of their
 *       lengths ({@code CONDCrossAttn.concat}), unless that would repeat one more than 4 times;</li>
 *   <li>each side's prediction is the sum of {@code output * mult} over its entries divided by the sum
 *       of the mults (plus 1e-37, so an uncovered pixel is 0);</li>
 *   <li>an entry's ControlNet chain ({@link Control}) runs once per UNet batch, before the UNet, and its
 *       residuals are added inside the UNet; entries batch only when they share the control object;</li>
 *   <li>the result is {@code uncond + (cond - uncond) * cfg}.</li>
 * </ul>
 *
 * <p>Stateless apart from the memory probe; safe to share.
 */
public final class CfgDenoiser {
    /** ComfyUI's limit on how many times a context may be repeated to batch it with a longer one. */
    private static final long MAX_CONTEXT_REPEAT = 4;
    /** How many latent pixels an area's edge is feathered over ({@code fuzz}). */
    private static final int FEATHER = 8;
    /** The empty weight sum ComfyUI starts from, so that uncovered pixels divide to 0. */
    private static final double EMPTY_COUNT = 1e-37;

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

    /** The guided denoised latent for whole-image contexts (see {@link #denoiseWithParts}). */
    public Tensor denoise(ConditionedModel model, Tensor x, Tensor sigma, Tensor condContext, Tensor uncondContext, double cfg) {
        return denoise(model, x, sigma, List.of(AreaCond.whole(condContext)), List.of(AreaCond.whole(uncondContext)), cfg);
    }

    /** The guided denoised latent for any conditioning entries (see {@link #guide}). */
    public Tensor denoise(ConditionedModel model, Tensor x, Tensor sigma, List<AreaCond> positive, List<AreaCond> negative,
            double cfg) {
        Result r = guide(model, x, sigma, positive, negative, cfg);
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
    public Result denoiseWithParts(ConditionedModel model, Tensor x, Tensor sigma, Tensor condContext, Tensor uncondContext,
            double cfg) {
        return guide(model, x, sigma, List.of(AreaCond.whole(condContext)), List.of(AreaCond.whole(uncondContext)), cfg);
    }

    /**
     * ComfyUI's {@code sampling_function}: both sides' predictions and the guided mix.
     *
     * @param positive the positive entries, resolved for x's size
     * @param negative the negative entries
     */
    public Result guide(ConditionedModel model, Tensor x, Tensor sigma, List<AreaCond> positive, List<AreaCond> negative,
            double cfg) {
        return guide(model, x, sigma, positive, negative, cfg, true);
    }

    /**
     * As {@link #guide(ConditionedModel, Tensor, Tensor, List, List, double)}; with
     * {@code cfg1Optimization} false the negative is evaluated even at cfg 1 (ComfyUI's
     * {@code disable_cfg1_optimization}, set by the CFG++ samplers).
     */
    public Result guide(ConditionedModel model, Tensor x, Tensor sigma, List<AreaCond> positive, List<AreaCond> negative,
            double cfg, boolean cfg1Optimization) {
        return guide(model, x, sigma, positive, negative, cfg, cfg1Optimization, ModelOptions.NONE, new RunState());
    }

    /**
     * ComfyUI's {@code sampling_function} and {@code cfg_function} under a MODEL's options: the negative is skipped
     * at cfg 1 unless the options disable that; the pre-CFG functions rewrite both predictions (a skipped negative
     * is zeros for them); the CFG function, if any, replaces the mix ({@code x - f(cond = x - cond_pred, uncond =
     * x - uncond_pred, ...)}); the post-CFG functions rewrite the result in order. The UNet runs under the options'
     * model sampling and transformer patches.
     *
     * @param run state the options' functions keep for this sampling run
     */
    public Result guide(ConditionedModel model, Tensor x, Tensor sigma, List<AreaCond> positive, List<AreaCond> negative,
            double cfg, boolean cfg1Optimization, ModelOptions options, RunState run) {
        // math.isclose(cfg, 1.0): the cfg-1 optimisation drops the negative conditioning.
        boolean skipUncond = cfg1Optimization && !options.disableCfg1Optimization()
                && Math.abs(cfg - 1.0) <= 1e-9 * Math.max(Math.abs(cfg), 1.0);
        try (TensorScope scope = TensorScope.open()) {
            List<Tensor> predictions = calcCondBatch(model, Arrays.asList(positive, skipUncond ? null : negative), x, sigma, options);
            Tensor cond = predictions.get(0);
            Tensor uncond = predictions.get(1);
            long batch = x.size(0);
            Tensor sigmas = sigma.numel() == batch ? sigma.reshape(batch) : sigma.reshape(1).expand(batch);
            if (!options.preCfgFunctions().isEmpty()) {
                List<Tensor> out = List.of(cond, uncond == null ? Tensor.zeros(x.dtype(), x.device(), x.shape()) : uncond);
                for (PreCfgFunction f : options.preCfgFunctions()) {
                    out = f.apply(new PreCfgFunction.Args(out, skipUncond, cfg, sigmas, x, run));
                }
                cond = out.get(0);
                uncond = out.get(1);
            }
            Tensor denoised;
            if (options.cfgFunction() != null) {
                Tensor u = uncond == null ? Tensor.zeros(x.dtype(), x.device(), x.shape()) : uncond;
                denoised = x.sub(options.cfgFunction().apply(new CfgFunction.Args(x.sub(cond), x.sub(u), cfg, sigmas, x, cond, u)));
            } else {
                // An absent side is ComfyUI's zero prediction: 0 + (cond - 0) * cfg.
                denoised = uncond == null ? cond.mul(cfg) : uncond.add(cond.sub(uncond).mul(cfg));
            }
            if (!options.postCfgFunctions().isEmpty()) {
                Tensor u = uncond == null ? Tensor.zeros(x.dtype(), x.device(), x.shape()) : uncond;
                for (PostCfgFunction f : options.postCfgFunctions()) {
                    denoised = f.apply(new PostCfgFunction.Args(denoised, cond, u, cfg, sigmas, x, options,
                            (side, xIn, o) -> calcCondBatch(model, java.util.Collections.singletonList(side == 0 ? positive : negative),
                                    xIn, sigma, o).get(0), run));
                }
            }
            scope.keep(cond);
            if (uncond != null) scope.keep(uncond);
            return new Result(scope.keep(denoised), cond, uncond);
        }
    }

    /**
     * ComfyUI's {@code calc_cond_batch}: one prediction per list of entries (null for a null list; a
     * list whose entries are all skipped predicts 0), each the mult-weighted mean of its entries.
     */
    public List<Tensor> calcCondBatch(ConditionedModel model, List<List<AreaCond>> conds, Tensor x, Tensor sigma) {
        return calcCondBatch(model, conds, x, sigma, ModelOptions.NONE);
    }

    /** As {@link #calcCondBatch(ConditionedModel, List, Tensor, Tensor)}, the UNet running under {@code options}. */
    public List<Tensor> calcCondBatch(ConditionedModel model, List<List<AreaCond>> conds, Tensor x, Tensor sigma,
            ModelOptions options) {
        long batch = x.size(0);
        List<Tensor> results = new ArrayList<>(Collections.nCopies(conds.size(), (Tensor) null));
        try (TensorScope scope = TensorScope.open()) {
            Tensor sigmas = sigma.numel() == batch ? sigma.reshape(batch) : sigma.reshape(1).expand(batch);
            double firstSigma = sigmas.select(0, 0).item();
            List<Piece> toRun = new ArrayList<>();
            int[] piecesPerSide = new int[conds.size()];
            for (int i = 0; i < conds.size(); i++) {
                if (conds.get(i) == null) continue;
                for (AreaCond c : conds.get(i)) {
                    Piece p = piece(c, x, firstSigma, i);
                    if (p != null) {
                        toRun.add(p);
                        piecesPerSide[i]++;
                    }
                }
            }
            Accumulator sums = new Accumulator(x, conds.size());
            for (Piece p : toRun) if (piecesPerSide[p.side()] != 1 || p.mult() != null) sums.mixed(p.side());
            while (!toRun.isEmpty()) {
                Piece first = toRun.get(0);
                List<Integer> compatible = new ArrayList<>();
                for (int j = 0; j < toRun.size(); j++) if (canConcatPieces(toRun.get(j), first)) compatible.add(j);
                Collections.reverse(compatible);
                List<Integer> toBatch = compatible.subList(0, 1);
                for (int div = 1; div <= compatible.size(); div++) {
                    List<Integer> amount = compatible.subList(0, compatible.size() / div);
                    long[] shape = first.input().shape();
                    shape[0] = amount.size() * shape[0];
                    if (model.memoryRequired(shape) * 1.5 < freeMemoryBytes.getAsLong()) {
                        toBatch = amount;
                        break;
                    }
                }
                // Indices run from the last to the first, so removing them one by one keeps the rest valid.
                List<Piece> batchPieces = new ArrayList<>();
                for (int j : List.copyOf(toBatch)) batchPieces.add(toRun.remove(j));
                List<Tensor> outputs = run(model, batchPieces, sigmas, options);
                for (int k = 0; k < batchPieces.size(); k++) sums.add(batchPieces.get(k), outputs.get(k));
            }
            for (int i = 0; i < conds.size(); i++) {
                if (conds.get(i) != null) results.set(i, scope.keep(sums.result(i)));
            }
        }
        return results;
    }

    /**
     * Each side's {@code out_conds} and {@code out_counts}. A side with a single whole-image entry of
     * weight 1 keeps that entry's output as it is: {@code (0 + out * 1) / (1e-37 + 1)} is {@code out} in
     * float32, and skipping the two latent-sized buffers keeps the common case as lean as a plain call.
     */
    private static final class Accumulator {
        private final Tensor x;
        private final Tensor[] sums;
        private final Tensor[] counts;
        private final Tensor[] direct;

        Accumulator(Tensor x, int sides) {
            this.x = x;
            sums = new Tensor[sides];
            counts = new Tensor[sides];
            direct = new Tensor[sides];
        }

        void mixed(int side) {
            if (sums[side] != null) return;
            sums[side] = Tensor.zeros(x.dtype(), x.device(), x.shape());
            counts[side] = Tensor.zeros(x.dtype(), x.device(), x.shape()).add_(EMPTY_COUNT);
        }

        void add(Piece p, Tensor output) {
            if (sums[p.side()] == null) {
                direct[p.side()] = output;
                return;
            }
            Tensor sum = crop(sums[p.side()], p.area());
            Tensor count = crop(counts[p.side()], p.area());
            if (p.mult() == null) {
                sum.add_(output);
                count.add_(1.0);
            } else {
                sum.add_(output.mul(p.mult()));
                count.add_(p.mult());
            }
        }

        /** The side's prediction; zeros when none of its entries ran (all skipped by their range). */
        Tensor result(int side) {
            if (direct[side] != null) return direct[side];
            if (sums[side] == null) return Tensor.zeros(x.dtype(), x.device(), x.shape());
            return sums[side].div_(counts[side]);
        }
    }

    /** One UNet call for pieces that can share it: each piece's output, in the caller's scope. */
    private static List<Tensor> run(ConditionedModel model, List<Piece> pieces, Tensor sigmas, ModelOptions options) {
        try (TensorScope scope = TensorScope.open()) {
            int n = pieces.size();
            List<Tensor> inputs = new ArrayList<>();
            List<Tensor> contexts = new ArrayList<>();
            List<Tensor> ys = new ArrayList<>();
            for (Piece p : pieces) {
                inputs.add(p.input());
                contexts.add(p.context());
                if (p.y() != null) ys.add(p.y());
            }
            // CONDRegular.concat: each entry's y rows, in the order of the batch
            Tensor y = ys.isEmpty() ? null : n == 1 ? ys.get(0) : Tensor.cat(ys, 0);
            Tensor input = n == 1 ? inputs.get(0) : Tensor.cat(inputs, 0);
            Tensor sigmaBatch = n == 1 ? sigmas : Tensor.cat(Collections.nCopies(n, sigmas), 0);
            Tensor context = concatContexts(contexts);
            List<Integer> condOrUncond = new ArrayList<>();
            for (Piece p : pieces) condOrUncond.add(p.side());
            // get_control before apply_model, on the batch as the UNet sees it (all pieces share the control)
            Control control = pieces.get(n - 1).control();
            ControlResiduals residuals = control == null ? null : control.residuals(input, sigmaBatch, context, n);
            Tensor output = y != null ? model.applyModel(input, sigmaBatch, context, y, residuals, options, condOrUncond)
                    : residuals == null && options.isEmpty() ? model.applyModel(input, sigmaBatch, context)
                    : model.applyModel(input, sigmaBatch, context, residuals, options, condOrUncond);
            if (n == 1) return List.of(scope.keep(output));
            List<Tensor> parts = new ArrayList<>();
            for (Tensor part : output.chunk(n, 0)) parts.add(scope.keep(part));
            return parts;
        }
    }

    /**
     * What {@code get_area_and_mult} prepares for one entry: the crop of x, its weights (null for all
     * ones: a whole-image entry without mask and of strength 1), its context.
     */
    private record Piece(Tensor input, Tensor mult, Tensor context, int[] area, int side, Control control, Tensor y) {}

    /** {@code get_area_and_mult}, or null when the entry is outside its timestep range at this sigma. */
    private static Piece piece(AreaCond c, Tensor x, double sigma, int side) {
        // torch compares the float32 sigma with the bound rounded to float32
        if (c.timestepStart() != null && (float) sigma > c.timestepStart().floatValue()) return null;
        if (c.timestepEnd() != null && (float) sigma < c.timestepEnd().floatValue()) return null;
        int[] area = c.area();
        Tensor input = x;
        if (area != null) {
            for (int i = 0; i < 2; i++) {
                area[i] = (int) Math.min(x.size(i + 2) - area[2 + i], area[i]);
                if (area[i] <= 0 || area[2 + i] < 0) {
                    throw new IllegalArgumentException("the conditioning area " + Arrays.toString(c.area())
                            + " (latent units) lies outside the latent of " + x.size(2) + "x" + x.size(3));
                }
                input = input.narrow(i + 2, area[2 + i], area[i]);
            }
        }
        Tensor mult;
        if (c.mask() != null) {
            Tensor mask = c.mask();
            if (mask.size(1) != x.size(2) || mask.size(2) != x.size(3)) {
                throw new IllegalArgumentException("a conditioning mask must be resized to the latent before sampling");
            }
            mask = mask.narrow(0, 0, Math.min(mask.size(0), input.size(0)));
            if (area != null) mask = mask.narrow(1, area[2], area[0]).narrow(2, area[3], area[1]);
            mask = mask.mul(c.maskStrength());
            mult = mask.unsqueeze(1).repeat(input.size(0) / mask.size(0), input.size(1), 1, 1).mul(c.strength());
        } else if (area == null && c.strength() == 1.0) {
            mult = null;
        } else {
            mult = Tensor.zeros(input.dtype(), input.device(), input.shape()).add_(c.strength());
        }
        if (c.mask() == null && area != null) feather(mult, area, x);
        Tensor context = repeatToBatchSize(c.crossAttn(), x.size(0));
        Tensor y = c.y() == null ? null : repeatToBatchSize(c.y(), x.size(0));
        return new Piece(input, mult, context, area, side, c.control(), y);
    }

    /** The linear ramps at an area's inner edges ({@code fuzz}); the latent's own edges stay at full weight. */
    private static void feather(Tensor mult, int[] area, Tensor x) {
        for (int i = 0; i < 2; i++) {
            int dim = i + 2;
            long ramp = Math.min(FEATHER, mult.size(dim) / 4);
            if (area[2 + i] != 0) {
                for (int t = 0; t < ramp; t++) mult.narrow(dim, t, 1).mul_((1.0 / ramp) * (t + 1));
            }
            if (area[i] + area[2 + i] < x.size(dim)) {
                for (int t = 0; t < ramp; t++) mult.narrow(dim, area[i] - 1 - t, 1).mul_((1.0 / ramp) * (t + 1));
            }
        }
    }

    private static Tensor crop(Tensor t, int[] area) {
        if (area == null) return t;
        return t.narrow(2, area[2], area[0]).narrow(3, area[3], area[1]);
    }

    /**
     * {@code can_concat_cond}: same crop shape, the same control object, contexts that {@code CONDCrossAttn} can
     * concatenate, and both or neither with a y of the same shape ({@code CONDRegular}).
     */
    private static boolean canConcatPieces(Piece a, Piece b) {
        return Arrays.equals(a.input().shape(), b.input().shape()) && a.control() == b.control()
                && canConcat(a.context(), b.context())
                && (a.y() == null ? b.y() == null : b.y() != null && Arrays.equals(a.y().shape(), b.y().shape()));
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
