package dev.comfy4j.sampling.schedulers;

import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.Scheduler;

/**
 * {@code kl_optimal} (Align Your Steps appendix): tan of evenly spaced points between atan(sigma_max)
 * and atan(sigma_min), then 0. As in ComfyUI, one step divides by zero and gives {@code [NaN, 0]}.
 */
public final class KlOptimalScheduler implements Scheduler {
    @Override
    public String name() {
        return "kl_optimal";
    }

    @Override
    public float[] sigmas(ModelSampling model, int steps) {
        double atanMin = Math.atan(model.sigmaMin());
        double atanMax = Math.atan(model.sigmaMax());
        float[] out = new float[steps + 1];
        for (int i = 0; i < steps; i++) {
            float u = (float) i / (float) (steps - 1); // float32 0/0 is NaN, as torch's div_
            out[i] = (float) Math.tan(u * (float) atanMin + (1f - u) * (float) atanMax);
        }
        return out;
    }
}
