package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * k-diffusion's {@code DPMSolver} (Lu et al. 2022, arXiv 2206.00927) in t = -log sigma with noise
 * predictions eps = (x - D) / sigma: the first-, second- and third-order single steps that
 * {@code dpm_fast} and {@code dpm_adaptive} are built from. The eps cache of one step is keyed as in
 * k-diffusion, so a second-order step after a third-order one reuses the r1 evaluation. Tensors belong to
 * the caller's scope.
 */
final class DpmSolver {
    private final Denoiser model;
    private final Runnable onEvaluation;

    DpmSolver(Denoiser model, Runnable onEvaluation) {
        this.model = model;
        this.onEvaluation = onEvaluation;
    }

    static double sigma(double t) {
        return Math.exp(-t);
    }

    static double t(double sigma) {
        return -Math.log(sigma);
    }

    Tensor eps(Map<String, Tensor> cache, String key, Tensor x, double t) {
        Tensor cached = cache.get(key);
        if (cached != null) return cached;
        double sigma = sigma(t);
        Tensor eps = x.sub(model.denoise(x, sigma)).div(sigma);
        onEvaluation.run();
        cache.put(key, eps);
        return eps;
    }

    static Map<String, Tensor> newCache() {
        return new HashMap<>();
    }

    Tensor step1(Tensor x, double t, double tNext, Map<String, Tensor> cache) {
        double h = tNext - t;
        Tensor eps = eps(cache, "eps", x, t);
        return x.sub(eps.mul(sigma(tNext) * Math.expm1(h)));
    }

    Tensor step2(Tensor x, double t, double tNext, double r1, Map<String, Tensor> cache) {
        double h = tNext - t;
        Tensor eps = eps(cache, "eps", x, t);
        double s1 = t + r1 * h;
        Tensor u1 = x.sub(eps.mul(sigma(s1) * Math.expm1(r1 * h)));
        Tensor epsR1 = eps(cache, "eps_r1", u1, s1);
        return x.sub(eps.mul(sigma(tNext) * Math.expm1(h))).sub(epsR1.sub(eps).mul(sigma(tNext) / (2 * r1) * Math.expm1(h)));
    }

    Tensor step3(Tensor x, double t, double tNext, Map<String, Tensor> cache) {
        double r1 = 1.0 / 3;
        double r2 = 2.0 / 3;
        double h = tNext - t;
        Tensor eps = eps(cache, "eps", x, t);
        double s1 = t + r1 * h;
        double s2 = t + r2 * h;
        Tensor u1 = x.sub(eps.mul(sigma(s1) * Math.expm1(r1 * h)));
        Tensor epsR1 = eps(cache, "eps_r1", u1, s1);
        Tensor u2 = x.sub(eps.mul(sigma(s2) * Math.expm1(r2 * h)))
                .sub(epsR1.sub(eps).mul(sigma(s2) * (r2 / r1) * (Math.expm1(r2 * h) / (r2 * h) - 1)));
        Tensor epsR2 = eps(cache, "eps_r2", u2, s2);
        return x.sub(eps.mul(sigma(tNext) * Math.expm1(h))).sub(epsR2.sub(eps).mul(sigma(tNext) / r2 * (Math.expm1(h) / h - 1)));
    }

    /** sigma_min for dpm_fast / dpm_adaptive: the last sigma, or the one before it when the last is 0. */
    static double sigmaMin(float[] sigmas) {
        double min = sigmas[sigmas.length - 1];
        return min == 0 ? sigmas[sigmas.length - 2] : min;
    }
}
