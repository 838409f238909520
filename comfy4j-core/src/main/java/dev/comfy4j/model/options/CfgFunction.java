package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;

/**
 * ComfyUI's {@code sampler_cfg_function}: given both sides as noise ({@code cond = x - cond_denoised},
 * {@code uncond = x - uncond_denoised}) it returns the guided noise; the guided prediction is
 * {@code x - result}. Implementations are records (value equality for the cache).
 */
@FunctionalInterface
public interface CfgFunction {
    /** The result belongs to the caller's scope. */
    Tensor apply(Args args);

    /**
     * @param cond {@code x - condDenoised}
     * @param uncond {@code x - uncondDenoised}
     * @param condScale the cfg
     * @param sigma the step's sigma per batch entry [B]
     * @param input x, the noisy latent
     */
    record Args(Tensor cond, Tensor uncond, double condScale, Tensor sigma, Tensor input, Tensor condDenoised,
                Tensor uncondDenoised) {}
}
