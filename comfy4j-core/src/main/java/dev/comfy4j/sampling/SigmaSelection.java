package dev.comfy4j.sampling;

import java.util.Arrays;
import java.util.Set;

/**
 * The sigmas KSampler really samples with ({@code comfy.samplers.KSampler}): the penultimate-sigma
 * discard of some samplers, {@code denoise} below 1, and KSamplerAdvanced's start/end steps.
 */
public final class SigmaSelection {
    /** Samplers that compute one more step and drop the second-to-last sigma. */
    private static final Set<String> DISCARD_PENULTIMATE = Set.of("dpm_2", "dpm_2_ancestral", "uni_pc", "uni_pc_bh2");

    private SigmaSelection() {}

    /** {@code KSampler.calculate_sigmas}: the schedule, with the penultimate sigma dropped for some samplers. */
    public static float[] calculate(ModelSampling model, String sampler, Scheduler scheduler, int steps) {
        if (!DISCARD_PENULTIMATE.contains(sampler)) return scheduler.sigmas(model, steps);
        float[] s = scheduler.sigmas(model, steps + 1);
        if (s.length < 2) return s;
        float[] out = Arrays.copyOf(s, s.length - 1);
        out[out.length - 1] = s[s.length - 1];
        return out;
    }

    /**
     * {@code KSampler.set_steps}: denoise near 1 gives the full schedule; denoise &lt;= 0 none (the latent
     * is returned unchanged); otherwise the last steps + 1 sigmas of a schedule of int(steps / denoise).
     */
    public static float[] forDenoise(ModelSampling model, String sampler, Scheduler scheduler, int steps, double denoise) {
        if (denoise > 0.9999) return calculate(model, sampler, scheduler, steps);
        if (denoise <= 0) return new float[0];
        int newSteps = (int) (steps / denoise);
        float[] s = calculate(model, sampler, scheduler, newSteps);
        int keep = Math.min(steps + 1, s.length);
        return Arrays.copyOfRange(s, s.length - keep, s.length);
    }

    /**
     * KSamplerAdvanced's step window: cut at {@code lastStep} (setting the last sigma to 0 when
     * {@code forceFullDenoise}), then start at {@code startStep}; null means the latent is returned as is.
     */
    public static float[] window(float[] sigmas, int startStep, int lastStep, boolean forceFullDenoise) {
        float[] s = sigmas;
        if (lastStep < s.length - 1) {
            s = Arrays.copyOf(s, lastStep + 1);
            if (forceFullDenoise) s[s.length - 1] = 0f;
        }
        if (startStep < s.length - 1) return Arrays.copyOfRange(s, startStep, s.length);
        return null;
    }
}
