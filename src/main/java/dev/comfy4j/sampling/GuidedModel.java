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
     * contexts (the negative is skipped when cfg is 1; a null negative predicts 0). Its
     * {@link Denoiser#denoiseGuided} returns the negative's own prediction as the unconditional one
     * (evaluated even at cfg 1), which the CFG++ samplers and DualCFGGuider use.
     */
    Denoiser guided(Tensor positiveContext, Tensor negativeContext, double cfg);

    @Override
    void close();
}
