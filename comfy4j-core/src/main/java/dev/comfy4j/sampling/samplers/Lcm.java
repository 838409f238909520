package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code lcm}: the Latent Consistency Model sampler: jump to the denoised prediction, then re-noise
 * it to the next sigma with fresh step noise (EPS noise scaling: D + sigma_next * noise).
 */
public final class Lcm extends StepLoop {
    @Override
    public String name() {
        return "lcm";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        if (s.next() > 0) return s.context().stepNoise(x).mul(s.next()).add(denoised);
        return denoised;
    }
}
