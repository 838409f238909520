package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** The VAE's {@code Normalize}: GroupNorm with 32 groups, eps 1e-6, affine. */
final class GroupNorm {
    static final int GROUPS = 32;
    static final double EPS = 1e-6;

    private final Param weight;
    private final Param bias;

    GroupNorm(Param weight, Param bias) {
        this.weight = weight;
        this.bias = bias;
    }

    Tensor forward(Tensor x) {
        Tensor w = weight.use();
        Tensor b = bias.use();
        try {
            return Functional.groupNorm(x, GROUPS, w, b, EPS);
        } finally {
            weight.done(w);
            bias.done(b);
        }
    }

    /** {@code silu(norm(x))}, the SiLU done in place on the norm's output. */
    Tensor forwardSilu(Tensor x) {
        return forward(x).silu_();
    }
}
