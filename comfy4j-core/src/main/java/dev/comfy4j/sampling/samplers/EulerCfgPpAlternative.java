package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * SamplerEulerCFG++'s "alternative" version ({@code sample_euler_pp} of ComfyUI's advanced samplers):
 * Euler steps whose derivative is (x - D + D_uncond - D) / sigma, i.e. the usual Euler derivative with
 * the unconditional prediction added back to x; the negative always runs (cfg-1 optimisation off).
 */
public final class EulerCfgPpAlternative extends StepLoop {
    @Override
    public String name() {
        return "euler_pp";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Denoiser.Guided g = s.denoiseGuided(x, s.sigma());
        Tensor d = toD(x.sub(g.denoised()).add(g.uncond()), s.sigma(), g.denoised());
        s.report(x, g.denoised());
        return x.add(d.mul(s.next() - s.sigma()));
    }
}
