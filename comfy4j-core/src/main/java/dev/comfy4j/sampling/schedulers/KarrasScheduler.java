package dev.comfy4j.sampling.schedulers;

import dev.comfy4j.sampling.Float32;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.Scheduler;

/** {@code karras}: Karras et al. (2022) rho-spaced sigmas between the model's sigma_max and sigma_min, then 0. */
public final class KarrasScheduler implements Scheduler {
    public static final double DEFAULT_RHO = 7.0;

    @Override
    public String name() {
        return "karras";
    }

    @Override
    public float[] sigmas(ModelSampling model, int steps) {
        return of(steps, model.sigmaMin(), model.sigmaMax(), DEFAULT_RHO);
    }

    /** k-diffusion's {@code get_sigmas_karras}: (max^(1/rho) + ramp * (min^(1/rho) - max^(1/rho)))^rho. */
    public static float[] of(int steps, double sigmaMin, double sigmaMax, double rho) {
        float[] ramp = Float32.linspace(0, 1, steps);
        float minInvRho = (float) Math.pow(sigmaMin, 1 / rho);
        float maxInvRho = (float) Math.pow(sigmaMax, 1 / rho);
        float[] out = new float[steps + 1];
        for (int i = 0; i < steps; i++) out[i] = (float) Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        return out;
    }
}
