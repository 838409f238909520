package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** ComfyUI's {@code Downsample}: zero padding on the right and bottom only, then a 3x3 conv with stride 2. */
final class Downsample {
    private static final long[] RIGHT_AND_BOTTOM = {0, 1, 0, 1};

    private final Conv2d conv;

    Downsample(Conv2d conv) {
        this.conv = conv;
    }

    Tensor forward(Tensor x) {
        Tensor padded = Functional.pad(x, RIGHT_AND_BOTTOM, 0.0);
        Tensor out = conv.forward(padded);
        padded.close();
        return out;
    }
}
