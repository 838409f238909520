package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;

/**
 * ComfyUI's {@code denoise_mask_function}: the inpainting mask a step uses, from the latent's noise mask
 * (resized to the latent), the step's sigma and the run's sigmas.
 */
@FunctionalInterface
public interface DenoiseMaskFunction {
    /** The mask for this step, in the caller's scope. */
    Tensor apply(double sigma, Tensor denoiseMask, Context context);

    /**
     * @param sigmas the sampling run's sigmas
     * @param sampling the model's noise levels (timestep of a sigma, sigma_min)
     */
    record Context(float[] sigmas, Parameterisation sampling) {}
}
