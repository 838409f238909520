package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** {@code nn.Conv2d} with a square kernel, with bias. */
final class Conv2d {
    private final Param weight;
    private final Param bias;
    private final long stride;
    private final long padding;

    Conv2d(WeightLoader w, String name, long in, long out, long kernel, long stride, long padding) {
        this.weight = w.param(name + ".weight", out, in, kernel, kernel);
        this.bias = w.param(name + ".bias", out);
        this.stride = stride;
        this.padding = padding;
    }

    Tensor forward(Tensor x) {
        return Functional.conv2d(x, weight.get(), bias.get(), stride, padding);
    }
}
