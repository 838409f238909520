package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code dpmpp_2s_ancestral_cfg_pp}: DPM-Solver++(2S) ancestral stepping on the unconditional
 * prediction (both evaluations), plus the guidance vector D - D_uncond of the first evaluation after
 * the noise (alpha = 1 for eps/v models).
 */
public final class Dpmpp2sAncestralCfgPp extends StepLoop {
    private final double eta;
    private final double sNoise;

    public Dpmpp2sAncestralCfgPp() {
        this(1.0, 1.0);
    }

    public Dpmpp2sAncestralCfgPp(double eta, double sNoise) {
        this.eta = eta;
        this.sNoise = sNoise;
    }

    @Override
    public String name() {
        return "dpmpp_2s_ancestral_cfg_pp";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Denoiser.Guided g = s.denoiseGuided(x, s.sigma());
        Tensor guidance = g.denoised().sub(g.uncond());
        AncestralStep a = AncestralStep.of(s.sigma(), s.next(), eta);
        s.report(x, g.denoised());
        Tensor out;
        if (a.down() == 0) {
            out = x.add(toD(x, s.sigma(), g.uncond()).mul(a.down() - s.sigma()));
        } else {
            double t = -Math.log(s.sigma());
            double h = -Math.log(a.down()) - t;
            double sigmaMid = Math.exp(-(t + 0.5 * h));
            Tensor x2 = x.mul(sigmaMid / s.sigma()).sub(g.uncond().mul(Math.expm1(-0.5 * h)));
            Tensor uncond2 = s.denoiseGuided(x2, sigmaMid).uncond();
            out = x.mul(a.down() / s.sigma()).sub(uncond2.mul(Math.expm1(-h)));
        }
        if (s.next() > 0) out = out.add(s.noise(s.sigma(), s.next()).mul(sNoise * a.up()));
        return out.add(guidance);
    }
}
