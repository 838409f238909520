package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.Float32;
import dev.comfy4j.sampling.Sampler;
import dev.comfy4j.sampling.SamplingContext;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.Map;

/**
 * {@code dpm_fast}: DPM-Solver-Fast with fixed steps. Of the schedule it uses only sigma_max =
 * sigmas[0], sigma_min (the last non-zero sigma) and the number of function evaluations
 * nfe = len(sigmas) - 1: m = floor(nfe / 3) + 1 uniform steps in t = -log sigma with orders
 * [3, ..., 3, 2, 1] (nfe divisible by 3) or [3, ..., 3, nfe % 3]. It ends at sigma_min (no final
 * denoise to 0). One callback per t-step, reported against len(sigmas) - 1 steps as ComfyUI does.
 */
public final class DpmFast implements Sampler {
    @Override
    public String name() {
        return "dpm_fast";
    }

    @Override
    public Tensor sample(Denoiser model, Tensor x0, float[] sigmas, SamplingContext context) {
        if (sigmas.length <= 1) return x0.clone();
        double sigmaMin = DpmSolver.sigmaMin(sigmas);
        double sigmaMax = sigmas[0];
        if (sigmaMin <= 0 || sigmaMax <= 0) throw new IllegalArgumentException("sigma_min and sigma_max must not be 0");
        int nfe = sigmas.length - 1;
        int m = nfe / 3 + 1;
        float[] ts = Float32.linspace(DpmSolver.t(sigmaMax), DpmSolver.t(sigmaMin), m + 1);
        int[] orders = new int[m];
        for (int k = 0; k < m; k++) orders[k] = 3;
        if (nfe % 3 == 0) {
            orders[m - 2] = 2;
            orders[m - 1] = 1;
        } else {
            orders[m - 1] = nfe % 3;
        }
        DpmSolver solver = new DpmSolver(model, () -> {});
        Tensor x = x0;
        for (int i = 0; i < orders.length; i++) {
            context.checkInterrupt();
            try (TensorScope scope = TensorScope.open()) {
                Map<String, Tensor> cache = DpmSolver.newCache();
                double t = ts[i];
                double tNext = ts[i + 1];
                Tensor eps = solver.eps(cache, "eps", x, t);
                Tensor denoised = x.sub(eps.mul(DpmSolver.sigma(t)));
                context.stepCallback(Math.min(i, nfe - 1), nfe, x, denoised);
                Tensor next = switch (orders[i]) {
                    case 1 -> solver.step1(x, t, tNext, cache);
                    case 2 -> solver.step2(x, t, tNext, 0.5, cache);
                    default -> solver.step3(x, t, tNext, cache);
                };
                scope.keep(next);
                if (x != x0) x.close();
                x = next;
            }
        }
        return x == x0 ? x0.clone() : x;
    }
}
