package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;

/** The VAE in float32, as ComfyUI computes it on the CPU: relative L2 at most 5e-5. */
class VaeGoldenTest extends VaeGoldenCases {
    VaeGoldenTest() {
        super(DType.F32, 5e-5);
    }
}
