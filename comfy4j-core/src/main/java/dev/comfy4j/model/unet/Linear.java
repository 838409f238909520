package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** {@code nn.Linear}: {@code x @ W.T + b}; the bias is optional. */
final class Linear {
    private final Param weight;
    private final Param bias;

    Linear(WeightLoader w, String name, long in, long out, boolean bias) {
        this.weight = w.param(name + ".weight", out, in);
        this.bias = bias ? w.param(name + ".bias", out) : null;
    }

    Tensor forward(Tensor x) {
        return Functional.linear(x, weight.get(), bias == null ? null : bias.get());
    }
}
