package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code dpm_2}: DPM-Solver-2 (a midpoint method in log sigma), Euler on the last step. KSampler
 * drops the penultimate sigma for it.
 */
public final class Dpm2 extends StepLoop {
    @Override
    public String name() {
        return "dpm_2";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        Tensor d = toD(x, s.sigma(), denoised);
        s.report(x, denoised);
        if (s.next() == 0) return x.add(d.mul(s.next() - s.sigma()));
        return midpoint(s, x, d, s.sigma(), s.next());
    }

    /** From sigma to target through the log-midpoint sigma. */
    static Tensor midpoint(Step s, Tensor x, Tensor d, double sigma, double target) {
        double mid = Math.exp(0.5 * (Math.log(sigma) + Math.log(target)));
        Tensor x2 = x.add(d.mul(mid - sigma));
        Tensor d2 = toD(x2, mid, s.denoise(x2, mid));
        return x.add(d2.mul(target - sigma));
    }
}
