package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;

/**
 * The model as a sampler sees it (k-diffusion's denoiser): the predicted clean latent D(x, sigma) of
 * a noisy latent x at noise level sigma, in model space. The result belongs to the caller's scope.
 */
@FunctionalInterface
public interface Denoiser {
    Tensor denoise(Tensor x, double sigma);
}
