package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code dpmpp_2s_ancestral}: DPM-Solver++(2S) single-step towards sigma_down in t = -log sigma, then
 * step noise of level sigma_up while sigma_next > 0; Euler when sigma_down is 0.
 */
public final class Dpmpp2sAncestral extends StepLoop {
    private final double eta;
    private final double sNoise;

    public Dpmpp2sAncestral() {
        this(1.0, 1.0);
    }

    public Dpmpp2sAncestral(double eta, double sNoise) {
        this.eta = eta;
        this.sNoise = sNoise;
    }

    @Override
    public String name() {
        return "dpmpp_2s_ancestral";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        AncestralStep a = AncestralStep.of(s.sigma(), s.next(), eta);
        s.report(x, denoised);
        Tensor out;
        if (a.down() == 0) {
            out = x.add(toD(x, s.sigma(), denoised).mul(a.down() - s.sigma()));
        } else {
            double t = -Math.log(s.sigma());
            double tNext = -Math.log(a.down());
            double h = tNext - t;
            double sMid = t + 0.5 * h;
            double sigmaMid = Math.exp(-sMid);
            Tensor x2 = x.mul(sigmaMid / s.sigma()).sub(denoised.mul(Math.expm1(-0.5 * h)));
            Tensor denoised2 = s.denoise(x2, sigmaMid);
            out = x.mul(a.down() / s.sigma()).sub(denoised2.mul(Math.expm1(-h)));
        }
        if (s.next() > 0) out = out.add(s.context().stepNoise(x).mul(sNoise * a.up()));
        return out;
    }
}
