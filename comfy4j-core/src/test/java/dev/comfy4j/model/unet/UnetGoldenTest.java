package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;

/** The UNet in float32, as ComfyUI computes it on the CPU: within the golden README's 5e-5 relative L2. */
class UnetGoldenTest extends UnetGoldenCases {
    UnetGoldenTest() {
        super(WeightStorage.COPY, DType.F32, 5e-5, 5e-5);
    }
}
