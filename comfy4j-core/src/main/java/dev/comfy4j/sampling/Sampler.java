package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;

/** A sampler of KSampler's {@code sampler_name} list: walks a noisy latent down a sigma schedule. */
public interface Sampler {
    /** ComfyUI's name. */
    String name();

    /**
     * Samples from {@code x}, the noisy latent at {@code sigmas[0]} in model space (already scaled by
     * the noise), down to the last sigma. Returns a new tensor owned by the caller; {@code x} is left
     * as it is.
     */
    Tensor sample(Denoiser model, Tensor x, float[] sigmas, SamplingContext context);

    /**
     * Whether inpainting re-noises the kept area with its own noise drawn from seed + 1 instead of the
     * initial noise (ComfyUI's {@code inpaint_options={"random": True}}, used by {@code ddim}).
     */
    default boolean randomInpaintNoise() {
        return false;
    }
}
