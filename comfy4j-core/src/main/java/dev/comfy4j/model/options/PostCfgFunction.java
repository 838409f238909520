package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;

/**
 * ComfyUI's {@code sampler_post_cfg_function}: rewrites the guided prediction. Implementations are records.
 */
@FunctionalInterface
public interface PostCfgFunction {
    /** The new guided prediction, in the caller's scope. */
    Tensor apply(Args args);

    /**
     * @param denoised the guided prediction so far
     * @param condDenoised the positive prediction
     * @param uncondDenoised the negative one (zeros when it was skipped)
     * @param sigma the step's sigma per batch entry [B]
     * @param input x, the noisy latent
     * @param modelOptions the options of this run
     * @param predict ComfyUI's {@code calc_cond_batch(model, [cond or uncond], x, sigma, options)}: one side's
     *     prediction again, for another x or under other options (PerturbedAttentionGuidance, SelfAttentionGuidance)
     * @param run state for this sampling run
     */
    record Args(Tensor denoised, Tensor condDenoised, Tensor uncondDenoised, double condScale, Tensor sigma, Tensor input,
                ModelOptions modelOptions, Prediction predict, RunState run) {}

    /** {@code calc_cond_batch} of one side's conditioning. */
    @FunctionalInterface
    interface Prediction {
        /**
         * @param side 0 for the positive conditioning, 1 for the negative
         * @return the side's denoised prediction for {@code x}, in the caller's scope
         */
        Tensor predict(int side, Tensor x, ModelOptions options);
    }
}
