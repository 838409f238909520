package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.python.PyError;
import dev.comfy4j.sampling.CondResolver;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.GuidedModel.CondPredictions;
import dev.comfy4j.sampling.SamplingCond;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * The GUIDER value: a MODEL with its conditionings and guidance, as CFGGuider, BasicGuider,
 * DualCFGGuider and PerpNegGuider build it; {@link #denoiser} makes the guided denoiser for one run of an
 * opened model. Every entry of every conditioning takes part (areas, masks, strengths, timestep
 * ranges), resolved together in the guider's order of conds as ComfyUI's {@code process_conds} does.
 *
 * @param extra DualCFGGuider's cond2, PerpNegGuider's empty_conditioning
 * @param cfg2 DualCFGGuider's cfg_cond2_negative, PerpNegGuider's neg_scale
 */
public record Guider(Object model, Kind kind, Conditioning positive, Conditioning extra, Conditioning negative, double cfg1,
                     double cfg2) {
    public enum Kind { CFG, BASIC, DUAL_REGULAR, DUAL_NESTED, PERP_NEG }

    public static Guider cfg(Object model, Conditioning positive, Conditioning negative, double cfg) {
        return new Guider(model, Kind.CFG, positive, null, negative, cfg, Double.NaN);
    }

    public static Guider basic(Object model, Conditioning conditioning) {
        return new Guider(model, Kind.BASIC, conditioning, null, null, 1.0, Double.NaN);
    }

    /** DualCFGGuider: cond1 against cond2 with cfg_conds, cond2 against the negative with cfg_cond2_negative. */
    public static Guider dual(Object model, Conditioning cond1, Conditioning cond2, Conditioning negative, double cfgConds,
            double cfgCond2Negative, boolean nested) {
        return new Guider(model, nested ? Kind.DUAL_NESTED : Kind.DUAL_REGULAR, cond1, cond2, negative, cfgConds, cfgCond2Negative);
    }

    /** PerpNegGuider: CFG whose negative only pushes perpendicular to the positive, both taken against the empty prompt. */
    public static Guider perpNeg(Object model, Conditioning positive, Conditioning negative, Conditioning empty, double cfg,
            double negScale) {
        return new Guider(model, Kind.PERP_NEG, positive, empty, negative, cfg, negScale);
    }

    /** The guided denoiser of this guider over the opened {@code model}, for a latent of {@code latentShape}. */
    Denoiser denoiser(GuidedModel opened, long[] latentShape) {
        return switch (kind) {
            case CFG -> opened.guided(conds(positive, "positive"), conds(negative, "negative"), cfg1, latentShape);
            case BASIC -> basic(opened.condPredictions(List.of(conds(positive, "conditioning")), latentShape));
            case DUAL_REGULAR, DUAL_NESTED -> dual(opened.condPredictions(
                    List.of(conds(positive, "cond1"), negative(conds(extra, "cond2"), true), negative(conds(negative, "negative"), false)),
                    latentShape));
            case PERP_NEG -> perpNeg(opened.condPredictions(List.of(conds(positive, "positive"),
                    negative(conds(extra, "empty_conditioning"), true), negative(conds(negative, "negative"), false)), latentShape));
        };
    }

    /** Guider_Basic: the conditioning's prediction; with no negative, CFG++ sees a zero unconditional one. */
    private static Denoiser basic(CondPredictions predictions) {
        return guidedDenoiser((x, sigma, cfg1Optimization) -> {
            List<Tensor> out = predictions.predict(x, sigma, 0, -1);
            return new Denoiser.Guided(cfg(out.get(0), out.get(1), 1.0), out.get(1));
        });
    }

    /**
     * Guider_DualCFG, over calc_cond_batch([negative, cond2, cond1]) = (n, m, p): regular is
     * n + (m - n) cfg2 + (p - m) cfg1 (the negative dropped when cfg2 is 1, and cond2 too when cfg1 is
     * also 1, unless CFG++ needs them); nested is n + cfg2 (m + (p - m) cfg1 - n), always all three.
     */
    private Denoiser dual(CondPredictions predictions) {
        boolean nested = kind == Kind.DUAL_NESTED;
        return guidedDenoiser((x, sigma, cfg1Optimization) -> {
            boolean dropNegative = !nested && cfg1Optimization && isClose(cfg2, 1.0);
            boolean dropMiddle = dropNegative && isClose(cfg1, 1.0);
            List<Tensor> out = predictions.predict(x, sigma, dropNegative ? -1 : 2, dropMiddle ? -1 : 1, 0);
            Tensor n = out.get(0);
            Tensor m = out.get(1);
            Tensor p = out.get(2);
            if (nested) {
                Tensor text = cfg(p, m, cfg1);
                return new Denoiser.Guided(n.add(text.sub(n).mul(cfg2)), m);
            }
            return new Denoiser.Guided(cfg(m, n, cfg2).add(p.sub(m).mul(cfg1)), n);
        });
    }

    /**
     * Guider_PerpNeg over calc_cond_batch([positive, negative, empty]) = (p, n, e): with pos = p - e and
     * neg = n - e, the negative's part perpendicular to pos, perp = neg - (neg.pos / |pos|^2) pos, gives
     * e + cfg (pos - neg_scale perp). The negative is dropped when neg_scale is 0, the empty prompt too
     * when cfg is also 1 (unless CFG++ needs them).
     */
    private Denoiser perpNeg(CondPredictions predictions) {
        return guidedDenoiser((x, sigma, cfg1Optimization) -> {
            boolean dropNegative = cfg1Optimization && isClose(cfg2, 0.0);
            boolean dropEmpty = dropNegative && isClose(cfg1, 1.0);
            List<Tensor> out = predictions.predict(x, sigma, 0, dropNegative ? -1 : 2, dropEmpty ? -1 : 1);
            Tensor e = out.get(2);
            Tensor pos = out.get(0).sub(e);
            Tensor neg = out.get(1).sub(e);
            float projection = (float) neg.mul(pos).sum().item() / (float) pos.mul(pos).sum().item();
            Tensor perp = neg.sub(pos.mul(projection));
            return new Denoiser.Guided(e.add(pos.sub(perp.mul(cfg2)).mul(cfg1)), out.get(1));
        });
    }

    /** ComfyUI's cfg_function without model hooks: uncond + (cond - uncond) * scale. */
    private static Tensor cfg(Tensor cond, Tensor uncond, double scale) {
        return uncond.add(cond.sub(uncond).mul(scale));
    }

    /** One guided step: the guided prediction and the unconditional one its post-CFG hook sees. */
    @FunctionalInterface
    private interface GuidedStep {
        Denoiser.Guided apply(Tensor x, double sigma, boolean cfg1Optimization);
    }

    /** A denoiser whose plain call keeps ComfyUI's cfg-1 shortcuts and whose CFG++ call turns them off. */
    private static Denoiser guidedDenoiser(GuidedStep step) {
        return new Denoiser() {
            @Override
            public Tensor denoise(Tensor x, double sigma) {
                try (TensorScope scope = TensorScope.open()) {
                    return scope.keep(step.apply(x, sigma, true).denoised());
                }
            }

            @Override
            public Guided denoiseGuided(Tensor x, double sigma) {
                try (TensorScope scope = TensorScope.open()) {
                    Guided g = step.apply(x, sigma, false);
                    return new Guided(scope.keep(g.denoised()), scope.keep(g.uncond()));
                }
            }
        };
    }

    /** Python's math.isclose with its default relative tolerance. */
    private static boolean isClose(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
    }

    /**
     * The prompt type SDXL refiner's y reads: Guider_DualCFG's middle and Guider_PerpNeg's empty prompt are set to
     * "negative" ({@code override}); the cond named "negative" is negative unless its entries say otherwise.
     */
    private static List<SamplingCond> negative(List<SamplingCond> side, boolean override) {
        return side.stream().map(c -> c.withPromptType(CondResolver.NEGATIVE, override)).toList();
    }

    private static List<SamplingCond> conds(Conditioning c, String side) {
        if (c == null || c.size() == 0) throw new IllegalArgumentException("the " + side + " conditioning is empty");
        return SamplingConds.of(c);
    }

    public static Guider from(Object value, String name) {
        if (value instanceof Guider g) return g;
        throw PyError.typeError(name + " must be a GUIDER, not " + (value == null ? "None" : value.getClass().getSimpleName()));
    }
}
