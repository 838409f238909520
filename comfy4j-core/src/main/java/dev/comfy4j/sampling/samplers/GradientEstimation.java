package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code gradient_estimation} (arXiv openreview o2ND9v0CeK) and its CFG++ variant: an Euler step, then
 * from the second step on x += (gamma - 1)(d - d_prev) * dt with gamma = 2; the last step returns D.
 * CFG++ takes d from the unconditional prediction and steps from D: x = D + d * sigma_next.
 */
public final class GradientEstimation extends StepLoop {
    private final boolean cfgPp;
    private final double gamma;

    public GradientEstimation(boolean cfgPp, double gamma) {
        this.cfgPp = cfgPp;
        this.gamma = gamma;
    }

    @Override
    public String name() {
        return cfgPp ? "gradient_estimation_cfg_pp" : "gradient_estimation";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised;
        Tensor d;
        if (cfgPp) {
            Denoiser.Guided g = s.denoiseGuided(x, s.sigma());
            denoised = g.denoised();
            d = toD(x, s.sigma(), g.uncond());
        } else {
            denoised = s.denoise(x, s.sigma());
            d = toD(x, s.sigma(), denoised);
        }
        s.report(x, denoised);
        double dt = s.next() - s.sigma();
        Tensor out;
        if (s.next() == 0) {
            out = denoised;
        } else {
            out = cfgPp ? denoised.add(d.mul(s.next())) : x.add(d.mul(dt));
            Tensor oldD = s.carry().get("d");
            if (s.index() >= 1 && oldD != null) out = out.add(d.sub(oldD).mul((gamma - 1) * dt));
        }
        s.carry().put("d", d);
        return out;
    }
}
