package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;

/**
 * The UNet computed in bfloat16 ({@code --bf16-unet}) against ComfyUI's float32 outputs. bfloat16 keeps 8
 * significant bits: rounding the weights alone moves eps by about 6e-3 here, the whole UNet in bfloat16 by 1.0e-2
 * to 1.4e-2; cfg 7.5 amplifies the cond - uncond difference (3e-2). A wrong kernel is 1e-1 or more off
 * (libtorch's NCHW bfloat16 conv with few channels gave 2.3e-1).
 */
class UnetBf16GoldenTest extends UnetGoldenCases {
    UnetBf16GoldenTest() {
        super(WeightStorage.COPY, DType.BF16, 3e-2, 6e-2);
    }
}
