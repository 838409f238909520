package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code deis}: DEIS multistep ("tab" mode, max order 3; diff-sampler's reimplementation of Zhang &amp;
 * Chen 2022). The sigmas map to VP times t through the EDM-to-VP conversion with sigma_min 0.002,
 * sigma_max 80 and epsilon 1e-3; the coefficient of each previous derivative is the integral over
 * [t_i, t_i+1] of the DEIS integrand times its Lagrange basis polynomial, summed over 10000 linspace
 * points times (t_next - t) / 10000 as ComfyUI does. Euler on the first step and onto sigma 0.
 */
public final class Deis extends StepLoop {
    private static final int POINTS = 10000;
    private final int maxOrder;

    public Deis() {
        this(3);
    }

    public Deis(int maxOrder) {
        if (maxOrder < 1 || maxOrder > 4) throw new IllegalArgumentException("deis order must be 1 to 4");
        this.maxOrder = maxOrder;
    }

    @Override
    public String name() {
        return "deis";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        int i = s.index();
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        Tensor d = toD(x, s.sigma(), denoised);
        int order = Math.min(maxOrder, i + 1);
        if (s.next() <= 0) order = 1;
        Tensor out;
        if (order == 1) {
            out = x.add(d.mul(s.next() - s.sigma()));
        } else {
            double[] c = coefficients(s.sigmas(), i, order);
            Tensor sum = d.mul(c[0]);
            for (int k = 1; k < order; k++) sum = sum.add(s.carry().get("d" + (i - k)).mul(c[k]));
            out = x.add(sum);
        }
        s.carry().put("d" + i, d);
        s.carry().drop("d" + (i + 1 - maxOrder));
        return out;
    }

    /** DEIS "tab" coefficients of step i for the given order (d_i first). */
    static double[] coefficients(float[] sigmas, int i, int order) {
        double epsilonS = 1e-3;
        double sigmaMin = 0.002;
        double sigmaMax = 80;
        double betaD = 2 * (Math.log(sigmaMin * sigmaMin + 1) / epsilonS - Math.log(sigmaMax * sigmaMax + 1)) / (epsilonS - 1);
        double betaMin = Math.log(sigmaMax * sigmaMax + 1) - 0.5 * betaD;
        double beta0 = betaMin;
        double beta1 = betaD + betaMin;
        double[] prevT = new double[order];
        for (int k = 0; k < order; k++) prevT[k] = vpTime(sigmas[i - k], betaD, betaMin);
        double tCur = prevT[0];
        double tNext = vpTime(sigmas[i + 1], betaD, betaMin);
        double dtau = (tNext - tCur) / POINTS;
        double step = (tNext - tCur) / (POINTS - 1);
        double[] c = new double[order];
        for (int n = 0; n < POINTS; n++) {
            double tau = n < POINTS / 2 ? tCur + step * n : tNext - step * (POINTS - 1 - n); // torch.linspace
            double logAlpha = -0.5 * tau * tau * (beta1 - beta0) - tau * beta0;
            double alpha = Math.exp(logAlpha);
            double dLogAlpha = -tau * (beta1 - beta0) - beta0;
            double integrand = -0.5 * dLogAlpha / Math.sqrt(alpha * (1 - alpha));
            for (int j = 0; j < order; j++) {
                double poly = 1;
                for (int k = 0; k < order; k++) {
                    if (k != j) poly *= (tau - prevT[k]) / (prevT[j] - prevT[k]);
                }
                c[j] += integrand * poly;
            }
        }
        for (int j = 0; j < order; j++) c[j] *= dtau;
        return c;
    }

    /** EDM sigma to VP time: (sqrt(beta_min^2 + 2 beta_d log(sigma^2 + 1)) - beta_min) / beta_d. */
    static double vpTime(double sigma, double betaD, double betaMin) {
        return (Math.sqrt(betaMin * betaMin + 2 * betaD * Math.log(sigma * sigma + 1)) - betaMin) / betaD;
    }
}
