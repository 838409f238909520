package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * ComfyUI's {@code sampler_pre_cfg_function}: rewrites the two predictions ({@code conds_out}) before the
 * CFG mix. Implementations are records; state kept across steps lives in {@link Args#run()}.
 */
@FunctionalInterface
public interface PreCfgFunction {
    /** The new {@code [cond, uncond]} predictions, in the caller's scope. */
    List<Tensor> apply(Args args);

    /**
     * @param condsOut the denoised predictions {@code [cond, uncond]} (uncond is zeros when the negative was skipped)
     * @param uncondSkipped whether the negative was not evaluated ({@code conds[1] is None} in ComfyUI)
     * @param sigma the step's sigma per batch entry [B]
     * @param run state for this sampling run
     */
    record Args(List<Tensor> condsOut, boolean uncondSkipped, double condScale, Tensor sigma, Tensor input, RunState run) {}
}
