package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;

/**
 * k-diffusion's {@code noise_sampler(sigma, sigma_next)}: standard-normal noise for the move from one
 * noise level to the next. The default one ignores the levels and draws the next values of the seeded
 * step-noise generator; the Brownian-tree one returns the normalised Brownian increment between them.
 */
@FunctionalInterface
public interface NoiseSampler {
    Tensor sample(double sigma, double sigmaNext);

    /** ComfyUI's {@code default_noise_sampler}: the run's seeded generator, one draw of {@code like}'s shape per call. */
    static NoiseSampler of(SamplingContext context, Tensor like) {
        return (sigma, sigmaNext) -> context.stepNoise(like);
    }
}
