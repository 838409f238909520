package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;
import java.util.function.Function;

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
     * @param condPrediction ComfyUI's {@code calc_cond_batch(model, [cond], x, sigma, options)}: the positive
     *     prediction again under other options (PerturbedAttentionGuidance)
     * @param run state for this sampling run
     */
    record Args(Tensor denoised, Tensor condDenoised, Tensor uncondDenoised, double condScale, Tensor sigma, Tensor input,
                ModelOptions modelOptions, Function<ModelOptions, Tensor> condPrediction, RunState run) {}
}
