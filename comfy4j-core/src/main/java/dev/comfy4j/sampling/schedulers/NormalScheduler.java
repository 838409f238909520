package dev.comfy4j.sampling.schedulers;

import dev.comfy4j.sampling.Float32;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.Scheduler;

/**
 * {@code normal} (and, with {@code sgm}, {@code sgm_uniform}): timesteps evenly spaced from
 * timestep(sigma_max) to timestep(sigma_min), mapped through sigma(t), then 0. sgm_uniform spaces
 * steps + 1 points and drops the last one instead.
 */
public final class NormalScheduler implements Scheduler {
    private final boolean sgm;

    private NormalScheduler(boolean sgm) {
        this.sgm = sgm;
    }

    public static NormalScheduler normal() {
        return new NormalScheduler(false);
    }

    public static NormalScheduler sgmUniform() {
        return new NormalScheduler(true);
    }

    @Override
    public String name() {
        return sgm ? "sgm_uniform" : "normal";
    }

    @Override
    public float[] sigmas(ModelSampling model, int steps) {
        double start = model.timestep(model.sigmaMax());
        double end = model.timestep(model.sigmaMin());
        boolean appendZero = true;
        float[] timesteps;
        if (sgm) {
            timesteps = java.util.Arrays.copyOf(Float32.linspace(start, end, steps + 1), steps);
        } else {
            // A table whose smallest sigma is ~0 ends on it instead of an appended 0.
            int n = steps;
            if (Math.abs(model.sigma(end)) <= 1e-5) {
                n++;
                appendZero = false;
            }
            timesteps = Float32.linspace(start, end, n);
        }
        float[] out = new float[timesteps.length + (appendZero ? 1 : 0)];
        for (int i = 0; i < timesteps.length; i++) out[i] = (float) model.sigma(timesteps[i]);
        return out;
    }
}
