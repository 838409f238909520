package dev.comfy4j.model.upscale;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/**
 * A stride-1 convolution with "same" zero padding ({@code nn.Conv2d(cin, cout, k, 1, k // 2)}), the only
 * kind the ESRGAN family uses. Weights are float32 on the compute device, owned by this record.
 *
 * @param bias null for a convolution without bias
 */
record Conv(Tensor weight, Tensor bias) implements AutoCloseable {
    long inChannels() {
        return weight.size(1);
    }

    long outChannels() {
        return weight.size(0);
    }

    Tensor apply(Tensor x) {
        return Functional.conv2d(x, weight, bias, 1, weight.size(2) / 2);
    }

    @Override
    public void close() {
        weight.close();
        if (bias != null) bias.close();
    }
}
