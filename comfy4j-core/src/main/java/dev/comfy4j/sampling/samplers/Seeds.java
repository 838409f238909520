package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code seeds_2} and {@code seeds_3}: SEEDS (Stochastic Explicit Exponential Derivative-free Solvers,
 * arXiv 2305.14267), VP data prediction, 2 or 3 model evaluations per step at points interpolated in
 * lambda = -log sigma (r = 1/2; r1 = 1/3, r2 = 2/3), with correlated noise segments (eta 1). Uses
 * phi_1(z) = e^z - 1 and phi_2(z) = (e^z - 1 - z) / z. The last step returns D.
 */
public final class Seeds extends StepLoop {
    private final int stages;
    private final double eta;
    private final double sNoise;
    private final double r1;
    private final double r2;
    private final boolean phi2Solver;

    private Seeds(int stages, double eta, double sNoise, double r1, double r2, boolean phi2Solver) {
        this.stages = stages;
        this.eta = eta;
        this.sNoise = sNoise;
        this.r1 = r1;
        this.r2 = r2;
        this.phi2Solver = phi2Solver;
    }

    /** SEEDS-2 (ComfyUI's defaults: eta 1, s_noise 1, r 0.5, solver phi_1). */
    public static Seeds seeds2(double eta, double sNoise, double r, boolean phi2Solver) {
        return new Seeds(2, eta, sNoise, r, Double.NaN, phi2Solver);
    }

    /** SEEDS-3 (ComfyUI's defaults: eta 1, s_noise 1, r_1 1/3, r_2 2/3). */
    public static Seeds seeds3(double eta, double sNoise, double r1, double r2) {
        return new Seeds(3, eta, sNoise, r1, r2, false);
    }

    @Override
    public String name() {
        return stages == 2 ? "seeds_2" : "seeds_3";
    }

    private static double phi1(double h) {
        return Math.expm1(h);
    }

    private static double phi2(double h) {
        return (Math.expm1(h) - h) / h;
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        if (s.next() == 0) return denoised;
        boolean inject = eta > 0 && sNoise > 0;
        double sigma = s.sigma();
        double next = s.next();
        double lambdaS = -Math.log(sigma);
        double lambdaT = -Math.log(next);
        double h = lambdaT - lambdaS;
        double hEta = h * (eta + 1);
        double sigmaS1 = Math.exp(-(lambdaS + r1 * (lambdaT - lambdaS)));
        Tensor x2 = x.mul(sigmaS1 / sigma * Math.exp(-r1 * h * eta)).sub(denoised.mul(phi1(-r1 * hEta)));
        Tensor sdeNoise = null;
        if (inject) {
            sdeNoise = s.noise(sigma, sigmaS1).mul(Math.sqrt(-Math.expm1(-2 * r1 * h * eta)));
            x2 = x2.add(sdeNoise.mul(sigmaS1 * sNoise));
        }
        Tensor denoised2 = s.denoise(x2, sigmaS1);
        if (stages == 2) {
            Tensor out;
            if (phi2Solver) {
                double b2 = phi2(-hEta) / r1;
                double b1 = phi1(-hEta) - b2;
                out = x.mul(next / sigma * Math.exp(-h * eta)).sub(denoised.mul(b1).add(denoised2.mul(b2)));
            } else {
                Tensor mixed = denoised.lerp(denoised2, 1 / (2 * r1));
                out = x.mul(next / sigma * Math.exp(-h * eta)).sub(mixed.mul(phi1(-hEta)));
            }
            if (inject) out = out.add(segment(s, sdeNoise, (r1 - 1) * h * eta, sigmaS1, next).mul(next * sNoise));
            return out;
        }
        double sigmaS2 = Math.exp(-(lambdaS + r2 * (lambdaT - lambdaS)));
        double a32 = r2 / r1 * phi2(-r2 * hEta);
        double a31 = phi1(-r2 * hEta) - a32;
        Tensor x3 = x.mul(sigmaS2 / sigma * Math.exp(-r2 * h * eta)).sub(denoised.mul(a31).add(denoised2.mul(a32)));
        if (inject) {
            sdeNoise = segment(s, sdeNoise, (r1 - r2) * h * eta, sigmaS1, sigmaS2);
            x3 = x3.add(sdeNoise.mul(sigmaS2 * sNoise));
        }
        Tensor denoised3 = s.denoise(x3, sigmaS2);
        double b3 = phi2(-hEta) / r2;
        double b1 = phi1(-hEta) - b3;
        Tensor out = x.mul(next / sigma * Math.exp(-h * eta)).sub(denoised.mul(b1).add(denoised3.mul(b3)));
        if (inject) out = out.add(segment(s, sdeNoise, (r2 - 1) * h * eta, sigmaS2, next).mul(next * sNoise));
        return out;
    }

    /** Carries the correlated noise into the next segment: e^f noise + sqrt(1 - e^(2f)) fresh noise. */
    private static Tensor segment(Step s, Tensor sdeNoise, double factor, double from, double to) {
        return sdeNoise.mul(Math.exp(factor)).add(s.noise(from, to).mul(Math.sqrt(-Math.expm1(2 * factor))));
    }
}
