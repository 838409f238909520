package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

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
        if (weight.dtype() != DType.F32 && !x.isChannelsLast()) {
            // libtorch 2.10's CPU bfloat16 3x3 convolution is wrong on NCHW input with fewer than 16 channels
            // on either side (the UNet's Conv2d says more); channels-last input is right.
            try (TensorScope scope = TensorScope.open()) {
                return scope.keep(forward(x.contiguousChannelsLast()).contiguous());
            }
        }
        Tensor w = weight.use();
        Tensor b = bias.use();
        try {
            long[] k = w.shape();
            if (k[2] == 1 && k[3] == 1 && stride == 1 && padding == 0 && x.isChannelsLast() && x.size(2) * x.size(3) > 1) {
                // A 1x1 convolution is a matmul over the channels. On channels-last input libtorch 2.10's CPU conv2d
                // gets some shapes wrong (the SDXL golden's 256x256 VAEEncode: rel-L2 1.3e-1); the matmul on the
                // [B, H, W, C] view is exact and stays channels-last (as the UNet's Conv2d does).
                return Functional.linear(x.permute(0, 2, 3, 1), w.view(k[0], k[1]), b).permute(0, 3, 1, 2);
            }
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
