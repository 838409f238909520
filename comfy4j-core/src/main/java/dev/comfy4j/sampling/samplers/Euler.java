package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/** {@code euler}: x += d * (sigma_next - sigma) (k-diffusion's sample_euler with s_churn 0). */
public final class Euler extends StepLoop {
    private final String name;

    public Euler() {
        this("euler");
    }

    Euler(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        Tensor d = toD(x, s.sigma(), denoised);
        s.report(x, denoised);
        return x.add(d.mul(s.next() - s.sigma()));
    }
}
