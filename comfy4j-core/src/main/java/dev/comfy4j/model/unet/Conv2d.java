package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** {@code nn.Conv2d} with a square kernel, with bias. */
final class Conv2d {
    private final Param weight;
    private final Param bias;
    private final long stride;
    private final long padding;
    private final boolean pointwise;

    Conv2d(WeightLoader w, String name, long in, long out, long kernel, long stride, long padding) {
        this.weight = w.param(name + ".weight", out, in, kernel, kernel);
        this.bias = w.param(name + ".bias", out);
        this.stride = stride;
        this.padding = padding;
        this.pointwise = kernel == 1 && stride == 1 && padding == 0;
    }

    Tensor forward(Tensor x) {
        if (pointwise && x.isChannelsLast() && x.size(2) * x.size(3) > 1) {
            // A 1x1 convolution is a matmul over the channels. On channels-last input libtorch 2.10's CPU
            // conv2d gets some shapes wrong (rel-L2 4e-2 at [2, 2560, 6, 10] -> 1280, SDXL's non-square
            // latents); the matmul on the contiguous [B, H, W, C] view is exact and stays channels-last.
            Tensor w = weight.get();
            Tensor out = Functional.linear(x.permute(0, 2, 3, 1), w.view(w.size(0), w.size(1)), bias.get());
            return out.permute(0, 3, 1, 2);
        }
        return Functional.conv2d(x, weight.get(), bias.get(), stride, padding);
    }
}
