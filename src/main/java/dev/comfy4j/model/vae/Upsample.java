package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;

/** ComfyUI's {@code Upsample}: nearest-neighbour x2, then a 3x3 conv. */
final class Upsample {
    private final Conv2d conv;

    Upsample(Conv2d conv) {
        this.conv = conv;
    }

    Tensor forward(Tensor x) {
        Tensor up = Functional.interpolate(x, x.size(2) * 2, x.size(3) * 2, Interpolation.NEAREST, false);
        Tensor out = conv.forward(up);
        up.close();
        return out;
    }
}
