package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/** {@code heun}: Heun's second-order method, Euler on the last step (2 model calls per step otherwise). */
public final class Heun extends StepLoop {
    @Override
    public String name() {
        return "heun";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        Tensor d = toD(x, s.sigma(), denoised);
        s.report(x, denoised);
        double dt = s.next() - s.sigma();
        if (s.next() == 0) return x.add(d.mul(dt));
        Tensor x2 = x.add(d.mul(dt));
        Tensor d2 = toD(x2, s.next(), s.denoise(x2, s.next()));
        return x.add(d.add(d2).div(2).mul(dt));
    }
}
