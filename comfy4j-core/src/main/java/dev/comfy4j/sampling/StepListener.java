package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;

/**
 * Called once per sampler step (ComfyUI's sampler callback), with the step index, the number of steps
 * and that step's denoised prediction; the tensors are only valid during the call.
 */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = (step, total, x, denoised) -> {};

    void onStep(int step, int total, Tensor x, Tensor denoised);
}
