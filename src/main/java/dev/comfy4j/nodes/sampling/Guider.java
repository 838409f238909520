package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.python.PyError;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * The GUIDER value: a MODEL with its conditionings and guidance, as CFGGuider, BasicGuider and
 * DualCFGGuider build it; {@link #denoiser} makes the guided denoiser for one run of an opened model.
 * Conditioning: the first entry's cross-attention tensor of each side, as the KSampler nodes use it.
 */
public record Guider(Object model, Kind kind, Conditioning positive, Conditioning middle, Conditioning negative, double cfg1,
                     double cfg2) {
    public enum Kind { CFG, BASIC, DUAL_REGULAR, DUAL_NESTED }

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

    /** The guided denoiser of this guider over the opened {@code model}. */
    Denoiser denoiser(GuidedModel opened) {
        return switch (kind) {
            case CFG -> opened.guided(first(positive, "positive"), first(negative, "negative"), cfg1);
            case BASIC -> opened.guided(first(positive, "conditioning"), null, 1.0);
            case DUAL_REGULAR, DUAL_NESTED -> dual(opened);
        };
    }

    /**
     * Guider_DualCFG: with A = cond2 + cfg1 (cond1 - cond2) and the negative N, regular is
     * N + cfg2 (cond2 - N) + (A - cond2) and nested is N + cfg2 (A - N). Evaluated as the CFG pair
     * (cond1, cond2) plus the negative alone, so the UNet batches differ from ComfyUI's three-way
     * batch (the arithmetic is the same).
     */
    private Denoiser dual(GuidedModel opened) {
        Denoiser pair = opened.guided(first(positive, "cond1"), first(middle, "cond2"), cfg1);
        Denoiser neg = opened.guided(first(negative, "negative"), null, 1.0);
        boolean nested = kind == Kind.DUAL_NESTED;
        return (x, sigma) -> {
            try (TensorScope scope = TensorScope.open()) {
                Denoiser.Guided a = pair.denoiseGuided(x, sigma);
                Tensor n = neg.denoise(x, sigma);
                Tensor out = nested
                        ? n.add(a.denoised().sub(n).mul(cfg2))
                        : n.add(a.uncond().sub(n).mul(cfg2)).add(a.denoised().sub(a.uncond()));
                return scope.keep(out);
            }
        };
    }

    private static Tensor first(Conditioning c, String side) {
        if (c == null || c.size() == 0) throw new IllegalArgumentException("the " + side + " conditioning is empty");
        return c.get(0).cond();
    }

    public static Guider from(Object value, String name) {
        if (value instanceof Guider g) return g;
        throw PyError.typeError(name + " must be a GUIDER, not " + (value == null ? "None" : value.getClass().getSimpleName()));
    }
}
