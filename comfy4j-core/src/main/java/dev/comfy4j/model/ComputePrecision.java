package dev.comfy4j.model;

import dev.comfy4j.tensor.DType;

/**
 * The dtype the diffusion model (UNet) and the VAE compute in. {@link #FLOAT32} is ComfyUI's choice on
 * the CPU and what the goldens check. {@link DType#BF16} (ComfyUI's {@code --bf16-unet}, {@code --bf16-vae})
 * runs weights and activations in bfloat16: about twice as fast on CPUs with AVX-512 BF16 or AMX, with
 * bfloat16's 8-bit mantissa, so the same seed gives a close but not the same image.
 *
 * @param unet the UNet's (and its ControlNets' inputs') compute dtype: F32 or BF16
 * @param vae the VAE's compute dtype: F32 or BF16
 */
public record ComputePrecision(DType unet, DType vae) {
    public static final ComputePrecision FLOAT32 = new ComputePrecision(DType.F32, DType.F32);

    public ComputePrecision {
        check("UNet", unet);
        check("VAE", vae);
    }

    private static void check(String what, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.BF16) {
            throw new IllegalArgumentException("the " + what + " computes in F32 or BF16, not " + dtype);
        }
    }
}
