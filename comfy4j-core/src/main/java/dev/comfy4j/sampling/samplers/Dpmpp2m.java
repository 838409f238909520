package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code dpmpp_2m}: DPM-Solver++(2M), the second-order multistep method in t = -log sigma, using the
 * previous step's denoised prediction; first order on the first and last steps.
 */
public final class Dpmpp2m extends StepLoop {
    @Override
    public String name() {
        return "dpmpp_2m";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        if (s.next() == 0) return denoised; // the carried tensor must never become x, so nothing is carried here
        Tensor old = s.carry().get("denoised");
        double t = -Math.log(s.sigma());
        double tNext = -Math.log(s.next());
        double h = tNext - t;
        Tensor target = denoised;
        if (old != null) {
            double hLast = t + Math.log(s.sigmas()[s.index() - 1]);
            double r = hLast / h;
            target = denoised.mul(1 + 1 / (2 * r)).sub(old.mul(1 / (2 * r)));
        }
        Tensor out = x.mul(s.next() / s.sigma()).sub(target.mul(Math.expm1(-h)));
        s.carry().put("denoised", denoised);
        return out;
    }
}
