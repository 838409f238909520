package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.PackedConvolution;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * {@code nn.Conv2d} with a square kernel, with bias. Computed in the weight's dtype; a float32 input
 * computed in bfloat16 is rounded to it first and the result widened back (autocast's rule).
 */
final class Conv2d {
    private final Param weight;
    private final Param bias;
    private final long stride;
    private final long padding;
    private final boolean pointwise;
    /** Whether this conv may use a packed weight: reduced precision, a weight converted once, oneDNN present. */
    private final boolean packable;
    private final long weightValues;

    Conv2d(WeightLoader w, String name, long in, long out, long kernel, long stride, long padding) {
        this.weight = w.param(name + ".weight", out, in, kernel, kernel);
        this.bias = w.param(name + ".bias", out);
        this.stride = stride;
        this.padding = padding;
        this.pointwise = kernel == 1 && stride == 1 && padding == 0;
        // oneDNN's bfloat16 blocked kernels get a 320 -> 4 conv wrong (rel-L2 0.27), like the NCHW ones below.
        this.packable = !pointwise && in >= 16 && out >= 16 && weight.dtype() != DType.F32 && !weight.castsOnEveryUse()
                && PackedConvolution.available();
        this.weightValues = out * in * kernel * kernel;
    }

    Tensor forward(Tensor x) {
        if (weight.dtype() == DType.F32) return forwardInWeightDtype(x.dtype() == DType.F32 ? x : x.to(DType.F32));
        try (TensorScope scope = TensorScope.open()) {
            // libtorch 2.10's CPU bfloat16 3x3 convolution is wrong on NCHW input when either side has fewer
            // than 16 channels (rel-L2 0.1-0.3 for the UNet's 320 -> 4 output conv; TinyUnetTest); on
            // channels-last input every shape checked is right, so a reduced-precision conv always takes it.
            Tensor rounded = x.to(weight.dtype());
            if (!rounded.isChannelsLast()) rounded = rounded.contiguousChannelsLast();
            Tensor out = forwardInWeightDtype(rounded);
            if (out.dtype() != x.dtype()) out = out.to(x.dtype());
            return scope.keep(x.isChannelsLast() ? out : out.contiguous());
        }
    }

    private Tensor forwardInWeightDtype(Tensor x) {
        if (pointwise && x.isChannelsLast() && x.size(2) * x.size(3) > 1) {
            // A 1x1 convolution is a matmul over the channels. On channels-last input libtorch 2.10's CPU
            // conv2d gets some shapes wrong (rel-L2 4e-2 at [2, 2560, 6, 10] -> 1280, SDXL's non-square
            // latents); the matmul on the contiguous [B, H, W, C] view is exact and stays channels-last.
            Tensor w = weight.get();
            Tensor out = Functional.linear(x.permute(0, 2, 3, 1), w.view(w.size(0), w.size(1)), bias.get());
            return out.permute(0, 3, 1, 2);
        }
        if (packable && !x.device().isCuda() && usesPackedWeight(x)) {
            return PackedConvolution.conv2d(x, weight.packed(w -> PackedConvolution.pack(w, stride, padding, x.shape())), bias.get(),
                    stride, padding);
        }
        return Functional.conv2d(x, weight.get(), bias.get(), stride, padding);
    }

    /**
     * A packed weight saves reordering the weight on every call but reorders the input and output instead:
     * it pays when the weight is larger than the input (the UNet's deep levels, every level of a small
     * latent; bench/README.md, "Packed convolution weights").
     */
    private boolean usesPackedWeight(Tensor x) {
        return weightValues >= 2 * x.numel();
    }
}
