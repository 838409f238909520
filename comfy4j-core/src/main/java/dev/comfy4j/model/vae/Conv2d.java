package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** {@code nn.Conv2d} with a square kernel, as the VAE uses it (dilation 1, one group, with bias). */
final class Conv2d {
    private final Param weight;
    private final Param bias;
    private final int stride;
    private final int padding;

    Conv2d(Param weight, Param bias, int stride, int padding) {
        this.weight = weight;
        this.bias = bias;
        this.stride = stride;
        this.padding = padding;
    }

    Tensor forward(Tensor x) {
        Tensor w = weight.use();
        Tensor b = bias.use();
        try {
            return Functional.conv2d(x, w, b, stride, padding);
        } finally {
            weight.done(w);
            bias.done(b);
        }
    }

    long outChannels() {
        return weight.shape()[0];
    }

    long inChannels() {
        return weight.shape()[1];
    }
}
