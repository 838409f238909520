package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code nn.Linear}: {@code x @ W.T + b}; the bias is optional. Computed in the weight's dtype; a float32
 * input computed in bfloat16 is rounded to it first and the result widened back (autocast's rule).
 */
final class Linear {
    private final Param weight;
    private final Param bias;

    Linear(WeightLoader w, String name, long in, long out, boolean bias) {
        this.weight = w.param(name + ".weight", out, in);
        this.bias = bias ? w.param(name + ".bias", out) : null;
    }

    Tensor forward(Tensor x) {
        Tensor w = weight.get();
        Tensor b = bias == null ? null : bias.get();
        if (x.dtype() == w.dtype()) return Functional.linear(x, w, b);
        return Functional.linear(x.to(w.dtype()), w, b).to(x.dtype());
    }

    /** The dtype this layer computes in. */
    DType computeDtype() {
        return weight.dtype();
    }
}
