package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code euler_ancestral_cfg_pp} and {@code euler_cfg_pp} (eta 0, no noise): CFG++ Euler. The step
 * direction uses the unconditional prediction and the data term the guided one:
 * x = D + sigma_down * (x - D_uncond) / sigma, plus step noise of level sigma_up. For eps/v models
 * alpha = 1; the last step returns D.
 */
public final class EulerAncestralCfgPp extends StepLoop {
    private final String name;
    private final double eta;
    private final double sNoise;

    public EulerAncestralCfgPp(double eta, double sNoise) {
        this("euler_ancestral_cfg_pp", eta, sNoise);
    }

    private EulerAncestralCfgPp(String name, double eta, double sNoise) {
        this.name = name;
        this.eta = eta;
        this.sNoise = sNoise;
    }

    public static EulerAncestralCfgPp ancestral() {
        return new EulerAncestralCfgPp(1.0, 1.0);
    }

    /** {@code euler_cfg_pp}: the same with eta 0 and s_noise 0. */
    public static EulerAncestralCfgPp euler() {
        return new EulerAncestralCfgPp("euler_cfg_pp", 0.0, 0.0);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Denoiser.Guided g = s.denoiseGuided(x, s.sigma());
        s.report(x, g.denoised());
        if (s.next() == 0) return g.denoised();
        Tensor d = toD(x, s.sigma(), g.uncond());
        AncestralStep a = AncestralStep.of(s.sigma(), s.next(), eta);
        Tensor out = g.denoised().add(d.mul(a.down()));
        if (eta > 0 && sNoise > 0) out = out.add(s.noise(s.sigma(), s.next()).mul(sNoise * a.up()));
        return out;
    }
}
