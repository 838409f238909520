package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code dpmpp_2m_cfg_pp}: DPM-Solver++(2M) with CFG++: x = D + e^-h x - e^-h D_uncond, plus the
 * second-order term -(e^-h - 1) / (2r) * (D - D_uncond,prev) once a previous step exists (and not on
 * the last step).
 */
public final class Dpmpp2mCfgPp extends StepLoop {
    @Override
    public String name() {
        return "dpmpp_2m_cfg_pp";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Denoiser.Guided g = s.denoiseGuided(x, s.sigma());
        s.report(x, g.denoised());
        Tensor oldUncond = s.carry().get("uncond");
        double t = -Math.log(s.sigma());
        double h = -Math.log(s.next()) - t; // +inf onto sigma 0, where e^-h = 0
        double decay = Math.exp(-h);
        Tensor mix = g.uncond().mul(-decay);
        if (oldUncond != null && s.next() != 0) {
            double hLast = t + Math.log(s.sigmas()[s.index() - 1]);
            double r = hLast / h;
            mix = mix.sub(g.denoised().sub(oldUncond).mul(Math.expm1(-h) / (2 * r)));
        }
        Tensor out = g.denoised().add(mix).add(x.mul(decay));
        s.carry().put("uncond", g.uncond());
        return out;
    }
}
