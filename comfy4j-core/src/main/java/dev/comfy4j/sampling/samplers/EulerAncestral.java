package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code euler_ancestral}: Euler towards sigma_down, then fresh step noise of level sigma_up; the
 * last step (sigma_down 0) returns the denoised prediction and draws nothing.
 */
public final class EulerAncestral extends StepLoop {
    private final double eta;
    private final double sNoise;

    public EulerAncestral() {
        this(1.0, 1.0);
    }

    public EulerAncestral(double eta, double sNoise) {
        this.eta = eta;
        this.sNoise = sNoise;
    }

    @Override
    public String name() {
        return "euler_ancestral";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        AncestralStep a = AncestralStep.of(s.sigma(), s.next(), eta);
        s.report(x, denoised);
        if (a.down() == 0) return denoised;
        Tensor d = toD(x, s.sigma(), denoised);
        Tensor moved = x.add(d.mul(a.down() - s.sigma()));
        return moved.add(s.context().stepNoise(x).mul(sNoise * a.up()));
    }
}
