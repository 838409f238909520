package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code res_multistep} and its ancestral and CFG++ variants: the second-order exponential multistep
 * method of RES (arXiv 2308.02157) in t = -log sigma towards sigma_down, Euler on the first step and
 * when sigma_down is 0; h = t_next - t, c2 = (t_prev - t_old) / h, b1 = phi1(-h) - phi2(-h) / c2,
 * b2 = phi2(-h) / c2, x = e^-h x + h (b1 D + b2 D_prev). Ancestral variants (eta 1) add step noise of
 * level sigma_up; CFG++ variants step on the unconditional prediction and add D - D_uncond first.
 */
public final class ResMultistep extends StepLoop {
    private final String name;
    private final double eta;
    private final double sNoise;
    private final boolean cfgPp;

    public ResMultistep(String name, double eta, double sNoise, boolean cfgPp) {
        this.name = name;
        this.eta = eta;
        this.sNoise = sNoise;
        this.cfgPp = cfgPp;
    }

    public static ResMultistep plain() {
        return new ResMultistep("res_multistep", 0.0, 1.0, false);
    }

    public static ResMultistep cfgPp() {
        return new ResMultistep("res_multistep_cfg_pp", 0.0, 1.0, true);
    }

    public static ResMultistep ancestral() {
        return new ResMultistep("res_multistep_ancestral", 1.0, 1.0, false);
    }

    public static ResMultistep ancestralCfgPp() {
        return new ResMultistep("res_multistep_ancestral_cfg_pp", 1.0, 1.0, true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised;
        Tensor uncond;
        if (cfgPp) {
            Denoiser.Guided g = s.denoiseGuided(x, s.sigma());
            denoised = g.denoised();
            uncond = g.uncond();
        } else {
            denoised = s.denoise(x, s.sigma());
            uncond = denoised;
        }
        AncestralStep a = AncestralStep.of(s.sigma(), s.next(), eta);
        s.report(x, denoised);
        Tensor old = s.carry().get("old");
        Tensor out;
        if (a.down() == 0 || old == null) {
            if (cfgPp) {
                out = denoised.add(toD(x, s.sigma(), uncond).mul(a.down()));
            } else {
                out = x.add(toD(x, s.sigma(), denoised).mul(a.down() - s.sigma()));
            }
        } else {
            double t = -Math.log(s.sigma());
            double tOld = -Math.log(s.carry().scalar("old_sigma_down"));
            double tNext = -Math.log(a.down());
            double tPrev = -Math.log(s.sigmas()[s.index() - 1]);
            double h = tNext - t;
            double c2 = (tPrev - tOld) / h;
            double phi1 = phi1(-h);
            double phi2 = (phi1 - 1.0) / -h;
            double b1 = nanToNum(phi1 - phi2 / c2);
            double b2 = nanToNum(phi2 / c2);
            Tensor base = cfgPp ? x.add(denoised.sub(uncond)) : x;
            out = base.mul(Math.exp(-h)).add(uncond.mul(h * b1).add(old.mul(h * b2)));
        }
        if (s.next() > 0 && a.up() > 0) out = out.add(s.noise(s.sigma(), s.next()).mul(sNoise * a.up()));
        s.carry().put("old", uncond);
        s.carry().putScalar("old_sigma_down", a.down());
        return out;
    }

    private static double phi1(double z) {
        return Math.expm1(z) / z;
    }

    /** torch.nan_to_num: NaN to 0, infinities to the largest finite float32. */
    static double nanToNum(double v) {
        if (Double.isNaN(v)) return 0;
        if (v == Double.POSITIVE_INFINITY) return Float.MAX_VALUE;
        if (v == Double.NEGATIVE_INFINITY) return -Float.MAX_VALUE;
        return v;
    }
}
