package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;

/**
 * The model as a sampler sees it (k-diffusion's denoiser): the predicted clean latent D(x, sigma) of
 * a noisy latent x at noise level sigma, in model space. The result belongs to the caller's scope.
 */
@FunctionalInterface
public interface Denoiser {
    Tensor denoise(Tensor x, double sigma);

    /**
     * The guided prediction with the unconditional one beside it, for the CFG++ samplers (ComfyUI
     * captures {@code uncond_denoised} with a post-CFG hook and disables the cfg-1 shortcut, so the
     * negative is evaluated even at cfg 1). A denoiser without guidance is its own unconditional
     * prediction, which is this default. Both tensors belong to the caller's scope.
     */
    default Guided denoiseGuided(Tensor x, double sigma) {
        Tensor d = denoise(x, sigma);
        return new Guided(d, d);
    }

    /** A guided prediction and the unconditional prediction it was made from. */
    record Guided(Tensor denoised, Tensor uncond) {}
}
