package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;

/**
 * The VAE computed in bfloat16 ({@code --bf16-vae}) against ComfyUI's float32 outputs: bfloat16 keeps 8 significant
 * bits (measured 0.7e-2 to 1.6e-2); a wrong kernel is 1e-1 or more off. The outputs are still float32.
 */
class VaeBf16GoldenTest extends VaeGoldenCases {
    VaeBf16GoldenTest() {
        super(DType.BF16, 2e-2);
    }
}
