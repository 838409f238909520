package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's {@code Upsample} with a convolution: nearest-neighbour to twice the size, or to the size of
 * the skip connection that follows (so latents whose sides are not multiples of 8 line up), then 3x3.
 */
final class Upsample implements UnetLayer {
    private final Conv2d conv;

    Upsample(WeightLoader w, String name, long channels) {
        conv = new Conv2d(w, name + ".conv", channels, channels, 3, 1, 1);
    }

    @Override
    public Tensor forward(Tensor x, Tensor embActivated, Tensor context, long[] outputShape) {
        long h = outputShape != null ? outputShape[2] : x.size(2) * 2;
        long w = outputShape != null ? outputShape[3] : x.size(3) * 2;
        try (TensorScope scope = TensorScope.open()) {
            return scope.keep(conv.forward(Functional.interpolate(x, h, w, Interpolation.NEAREST, false)));
        }
    }
}
