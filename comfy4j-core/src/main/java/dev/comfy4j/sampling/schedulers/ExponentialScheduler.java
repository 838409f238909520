package dev.comfy4j.sampling.schedulers;

import dev.comfy4j.sampling.Float32;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.Scheduler;

/** {@code exponential}: sigmas evenly spaced in log between sigma_max and sigma_min, then 0. */
public final class ExponentialScheduler implements Scheduler {
    @Override
    public String name() {
        return "exponential";
    }

    @Override
    public float[] sigmas(ModelSampling model, int steps) {
        return of(steps, model.sigmaMin(), model.sigmaMax());
    }

    /** k-diffusion's {@code get_sigmas_exponential}. */
    public static float[] of(int steps, double sigmaMin, double sigmaMax) {
        float[] logs = Float32.linspace(Math.log(sigmaMax), Math.log(sigmaMin), steps);
        float[] out = new float[steps + 1];
        for (int i = 0; i < steps; i++) out[i] = (float) Math.exp(logs[i]);
        return out;
    }
}
