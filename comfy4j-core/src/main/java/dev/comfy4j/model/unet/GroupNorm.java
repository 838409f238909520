package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** {@code nn.GroupNorm(32, channels, eps)} with affine weights. */
final class GroupNorm {
    static final long GROUPS = 32;
    private final Param weight;
    private final Param bias;
    private final double eps;

    GroupNorm(WeightLoader w, String name, long channels, double eps) {
        if (channels % GROUPS != 0) {
            throw new IllegalArgumentException("GroupNorm '" + name + "' has " + channels + " channels, not a multiple of 32");
        }
        this.weight = w.floatParam(name + ".weight", channels);
        this.bias = w.floatParam(name + ".bias", channels);
        this.eps = eps;
    }

    Tensor forward(Tensor x) {
        return Functional.groupNorm(x, GROUPS, weight.get(), bias.get(), eps);
    }
}
