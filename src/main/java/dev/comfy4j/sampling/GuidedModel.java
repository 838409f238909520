package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;

/**
 * A diffusion model held for one sampler run, as the KSampler pipeline needs it: its noise levels,
 * its latent scale factor and classifier-free guided denoising. Close it when the run ends (it releases
 * the model lease).
 */
public interface GuidedModel extends AutoCloseable {
    ModelSampling modelSampling();

    /** The latent format's scale factor (0.18215 for SD1.x). */
    double latentScaleFactor();

    /**
     * The guided denoiser {@code uncond + (cond - uncond) * cfg} for whole-image cross-attention
     * contexts (the negative is skipped when cfg is 1).
     */
    Denoiser guided(Tensor positiveContext, Tensor negativeContext, double cfg);

    @Override
    void close();
}
