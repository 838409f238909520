package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Tensor;

/** ComfyUI's {@code Downsample} with a convolution: 3x3, stride 2, padding 1. */
final class Downsample implements UnetLayer {
    private final Conv2d op;

    Downsample(WeightLoader w, String name, long channels) {
        op = new Conv2d(w, name + ".op", channels, channels, 3, 2, 1);
    }

    @Override
    public Tensor forward(Tensor x, Tensor embActivated, Tensor context, long[] outputShape) {
        return op.forward(x);
    }
}
