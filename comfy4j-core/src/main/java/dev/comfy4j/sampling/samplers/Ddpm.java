package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code ddpm}: the DDPM ancestral step (Ho et al. 2020) taken in variance-preserving space
 * (x / sqrt(1 + sigma^2), alpha_cumprod = 1 / (1 + sigma^2)) with eps = (x - D) / sigma, plus step
 * noise while the next sigma is above 0, then scaled back by sqrt(1 + sigma_next^2).
 */
public final class Ddpm extends StepLoop {
    @Override
    public String name() {
        return "ddpm";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        double sigma = s.sigma();
        double next = s.next();
        Tensor denoised = s.denoise(x, sigma);
        s.report(x, denoised);
        Tensor eps = x.sub(denoised).div(sigma);
        Tensor vp = x.div(Math.sqrt(1.0 + sigma * sigma));
        double alphaCumprod = 1 / (sigma * sigma + 1);
        double alphaCumprodPrev = 1 / (next * next + 1);
        double alpha = alphaCumprod / alphaCumprodPrev;
        Tensor mu = vp.sub(eps.mul((1 - alpha) / Math.sqrt(1 - alphaCumprod))).mul(Math.sqrt(1.0 / alpha));
        if (next > 0) {
            double noiseScale = Math.sqrt((1 - alpha) * (1 - alphaCumprodPrev) / (1 - alphaCumprod));
            mu = mu.add(s.context().stepNoise(x).mul(noiseScale));
            return mu.mul(Math.sqrt(1.0 + next * next));
        }
        return mu;
    }
}
