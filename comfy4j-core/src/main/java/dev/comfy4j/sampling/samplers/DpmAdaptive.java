package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.Sampler;
import dev.comfy4j.sampling.SamplingContext;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.Map;

/**
 * {@code dpm_adaptive}: DPM-Solver-12/23 with adaptive step size from sigma_max = sigmas[0] to
 * sigma_min (the last non-zero sigma; no final denoise to 0). Each attempt compares the low- and
 * high-order solutions, error = ||(x_low - x_high) / max(atol, rtol max(|x_low|, |x_prev|))|| /
 * sqrt(numel), and a PID controller on 1 / error proposes the next step and accepts or rejects.
 * One callback per attempt; the step number is clamped to len(sigmas) - 1 as ComfyUI's progress bar
 * clamps it. With eta &gt; 0 the step is ancestral (step noise of level sigma_up).
 */
public final class DpmAdaptive implements Sampler {
    /** The sampler's options ({@code SamplerDPMAdaptative}); KSampler uses {@link #DEFAULTS}. */
    public record Options(int order, double rtol, double atol, double hInit, double pcoeff, double icoeff, double dcoeff,
                          double acceptSafety, double eta, double sNoise) {}

    public static final Options DEFAULTS = new Options(3, 0.05, 0.0078, 0.05, 0.0, 1.0, 0.0, 0.81, 0.0, 1.0);

    private final Options o;

    public DpmAdaptive(Options options) {
        if (options.order() != 2 && options.order() != 3) throw new IllegalArgumentException("order should be 2 or 3");
        this.o = options;
    }

    public DpmAdaptive() {
        this(DEFAULTS);
    }

    @Override
    public String name() {
        return "dpm_adaptive";
    }

    /** k-diffusion's {@code PIDStepSizeController}. */
    static final class PidController {
        double h;
        private final double b1;
        private final double b2;
        private final double b3;
        private final double acceptSafety;
        private double[] errs;

        PidController(double h, double pcoeff, double icoeff, double dcoeff, double order, double acceptSafety) {
            this.h = h;
            this.b1 = (pcoeff + icoeff + dcoeff) / order;
            this.b2 = -(pcoeff + 2 * dcoeff) / order;
            this.b3 = dcoeff / order;
            this.acceptSafety = acceptSafety;
        }

        boolean proposeStep(double error) {
            double inv = 1 / (error + 1e-8);
            if (errs == null) errs = new double[]{inv, inv, inv};
            errs[0] = inv;
            double factor = Math.pow(errs[0], b1) * Math.pow(errs[1], b2) * Math.pow(errs[2], b3);
            factor = 1 + Math.atan(factor - 1);
            boolean accept = factor >= acceptSafety;
            if (accept) {
                errs[2] = errs[1];
                errs[1] = errs[0];
            }
            h *= factor;
            return accept;
        }
    }

    @Override
    public Tensor sample(Denoiser model, Tensor x0, float[] sigmas, SamplingContext context) {
        if (sigmas.length <= 1) return x0.clone();
        double sigmaMin = DpmSolver.sigmaMin(sigmas);
        double sigmaMax = sigmas[0];
        if (sigmaMin <= 0 || sigmaMax <= 0) throw new IllegalArgumentException("sigma_min and sigma_max must not be 0");
        int total = sigmas.length - 1;
        double tStart = DpmSolver.t(sigmaMax);
        double tEnd = DpmSolver.t(sigmaMin);
        boolean forward = tEnd > tStart;
        if (!forward && o.eta() > 0) throw new IllegalArgumentException("eta must be 0 for reverse sampling");
        double hInit = Math.abs(o.hInit()) * (forward ? 1 : -1);
        DpmSolver solver = new DpmSolver(model, () -> {});
        PidController pid = new PidController(hInit, o.pcoeff(), o.icoeff(), o.dcoeff(), o.eta() > 0 ? 1.5 : o.order(), o.acceptSafety());
        double s = tStart;
        Tensor x = x0;
        Tensor xPrev = x0;
        int steps = 0;
        try {
            while (forward ? s < tEnd - 1e-5 : s > tEnd + 1e-5) {
                context.checkInterrupt();
                try (TensorScope scope = TensorScope.open()) {
                    Map<String, Tensor> cache = DpmSolver.newCache();
                    double t = forward ? Math.min(tEnd, s + pid.h) : Math.max(tEnd, s + pid.h);
                    double tStep = t;
                    double su = 0;
                    if (o.eta() > 0) {
                        var a = dev.comfy4j.sampling.AncestralStep.of(DpmSolver.sigma(s), DpmSolver.sigma(t), o.eta());
                        tStep = Math.min(tEnd, DpmSolver.t(a.down()));
                        su = Math.sqrt(Math.pow(DpmSolver.sigma(t), 2) - Math.pow(DpmSolver.sigma(tStep), 2));
                    }
                    Tensor eps = solver.eps(cache, "eps", x, s);
                    Tensor denoised = x.sub(eps.mul(DpmSolver.sigma(s)));
                    Tensor low;
                    Tensor high;
                    if (o.order() == 2) {
                        low = solver.step1(x, s, tStep, cache);
                        high = solver.step2(x, s, tStep, 0.5, cache);
                    } else {
                        low = solver.step2(x, s, tStep, 1.0 / 3, cache);
                        high = solver.step3(x, s, tStep, cache);
                    }
                    Tensor delta = low.abs().maximum(xPrev.abs()).mul(o.rtol()).clampMin(o.atol());
                    double error = Math.sqrt(low.sub(high).div(delta).pow(2).sum().item()) / Math.sqrt(x.numel());
                    boolean accept = pid.proposeStep(error);
                    steps++;
                    if (accept) {
                        Tensor next = su > 0 ? high.add(context.stepNoise(x).mul(su * o.sNoise())) : high;
                        scope.keep(low);
                        scope.keep(next);
                        if (xPrev != x0 && xPrev != x) xPrev.close();
                        if (x != x0) x.close();
                        xPrev = low;
                        x = next;
                        s = t;
                    }
                    context.stepCallback(Math.min(steps - 1, total - 1), total, x, denoised);
                }
            }
        } finally {
            if (xPrev != x0 && xPrev != x) xPrev.close();
        }
        return x == x0 ? x0.clone() : x;
    }
}
