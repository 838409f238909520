package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** {@code nn.LayerNorm(dim)} (eps 1e-5) over the last dimension. */
final class LayerNorm {
    private final Param weight;
    private final Param bias;
    private final long dim;

    LayerNorm(WeightLoader w, String name, long dim) {
        this.weight = w.floatParam(name + ".weight", dim);
        this.bias = w.floatParam(name + ".bias", dim);
        this.dim = dim;
    }

    Tensor forward(Tensor x) {
        return Functional.layerNorm(x, new long[]{dim}, weight.get(), bias.get(), 1e-5);
    }
}
