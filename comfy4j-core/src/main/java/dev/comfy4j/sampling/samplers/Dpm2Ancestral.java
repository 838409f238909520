package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/** {@code dpm_2_ancestral}: DPM-Solver-2 towards sigma_down, then step noise of level sigma_up. */
public final class Dpm2Ancestral extends StepLoop {
    @Override
    public String name() {
        return "dpm_2_ancestral";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        AncestralStep a = AncestralStep.of(s.sigma(), s.next(), 1.0);
        Tensor d = toD(x, s.sigma(), denoised);
        s.report(x, denoised);
        if (a.down() == 0) return x.add(d.mul(a.down() - s.sigma()));
        Tensor moved = Dpm2.midpoint(s, x, d, s.sigma(), a.down());
        return moved.add(s.context().stepNoise(x).mul(a.up()));
    }
}
