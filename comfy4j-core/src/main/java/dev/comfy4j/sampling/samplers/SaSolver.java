package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code sa_solver} and {@code sa_solver_pece}: the Stochastic Adams solver (NeurIPS 2023, arXiv
 * 2309.05019) in data-prediction mode, lambda = -log sigma: a stochastic Adams-Bashforth predictor
 * (order 3) and Adams-Moulton corrector (order 4) over the previous data predictions, with
 * coefficients from integrating the Lagrange basis against e^((1 + tau^2) lambda) (a Vandermonde
 * solve); tau = eta inside [percent_to_sigma(0.8), percent_to_sigma(0.2)] of the model's noise levels,
 * 0 outside; predictor noise sigma_next sqrt(1 - e^(-2 tau^2 h)). Orders drop near the end when the
 * last sigma is 0. PECE re-evaluates the model on the corrected state.
 */
public final class SaSolver extends StepLoop {
    /** The options of ComfyUI's {@code SamplerSASolver} node; KSampler uses {@link #defaults}. */
    public record Options(double eta, double sdeStartPercent, double sdeEndPercent, double sNoise, int predictorOrder,
                          int correctorOrder, boolean usePece, boolean simpleOrder2, double startSigma, double endSigma) {
        /** With the SDE interval given in sigmas (the node resolves the percents with its MODEL input). */
        public Options withSigmas(double start, double end) {
            return new Options(eta, sdeStartPercent, sdeEndPercent, sNoise, predictorOrder, correctorOrder, usePece, simpleOrder2, start, end);
        }
    }

    private final Options options;

    public SaSolver(Options options) {
        this.options = options;
    }

    public static Options defaults(boolean pece) {
        return new Options(1.0, 0.2, 0.8, 1.0, 3, 4, pece, false, Double.NaN, Double.NaN);
    }

    @Override
    public String name() {
        return options.usePece() ? "sa_solver_pece" : "sa_solver";
    }

    private int maxOrder() {
        return Math.max(options.predictorOrder(), options.correctorOrder());
    }

    @Override
    protected Tensor step(Step s, Tensor xPred) {
        int i = s.index();
        float[] sigmas = s.sigmas();
        if (i == 0) {
            boolean given = !Double.isNaN(options.startSigma());
            ModelSampling ms = given ? null : s.context().modelSampling();
            s.carry().putScalar("start_sigma", given ? options.startSigma() : ms.percentToSigma(options.sdeStartPercent()));
            s.carry().putScalar("end_sigma", given ? options.endSigma() : ms.percentToSigma(options.sdeEndPercent()));
            s.carry().putScalar("h", 0);
            s.carry().putScalar("tau", 0);
        }
        double tauT = s.carry().scalar("tau");
        double h = s.carry().scalar("h");
        Tensor denoised = s.denoise(xPred, s.sigma());
        s.report(xPred, denoised);
        s.carry().put("pred" + i, denoised);
        s.carry().drop("pred" + (i - maxOrder()));
        int available = Math.min(i + 1, maxOrder());
        int predictorOrder = Math.min(options.predictorOrder(), available);
        int correctorOrder = i == 0 || (s.next() == 0 && !options.usePece()) ? 0 : Math.min(options.correctorOrder(), available);
        if (sigmas[sigmas.length - 1] == 0) {
            predictorOrder = Math.min(predictorOrder, sigmas.length - 2 - i);
            correctorOrder = Math.min(correctorOrder, sigmas.length - 1 - i);
        }
        Tensor x;
        if (correctorOrder == 0) {
            x = xPred;
        } else {
            double[] b = bCoefficients(s.sigma(), lambdas(sigmas, i - correctorOrder + 1, i), lambda(sigmas[i - 1]), lambda(sigmas[i]),
                    tauT, options.simpleOrder2(), true);
            Tensor corr = weightedPredictions(s, i, correctorOrder, b);
            x = s.carry().get("x").mul(s.sigma() / sigmas[i - 1] * Math.exp(-(tauT * tauT) * h)).add(corr);
            if (tauT > 0 && options.sNoise() > 0) x = x.add(s.carry().get("noise"));
            if (options.usePece()) {
                denoised = s.denoise(x, s.sigma());
                s.carry().put("pred" + i, denoised);
            }
        }
        Tensor out;
        if (s.next() == 0) {
            out = denoised.clone(); // the carried prediction must not become the loop's x
        } else {
            tauT = tau(s.next(), s.carry().scalar("start_sigma"), s.carry().scalar("end_sigma"));
            double[] b = bCoefficients(s.next(), lambdas(sigmas, i - predictorOrder + 1, i), lambda(sigmas[i]), lambda(sigmas[i + 1]),
                    tauT, options.simpleOrder2(), false);
            Tensor pred = weightedPredictions(s, i, predictorOrder, b);
            h = lambda(sigmas[i + 1]) - lambda(sigmas[i]);
            out = x.mul(s.next() / s.sigma() * Math.exp(-(tauT * tauT) * h)).add(pred);
            if (tauT > 0 && options.sNoise() > 0) {
                Tensor noise = s.noise(s.sigma(), s.next()).mul(s.next() * Math.sqrt(-Math.expm1(-2 * tauT * tauT * h)) * options.sNoise());
                out = out.add(noise);
                s.carry().put("noise", noise);
            }
            s.carry().putScalar("tau", tauT);
            s.carry().putScalar("h", h);
        }
        s.carry().put("x", x == xPred ? xPred.clone() : x);
        return out;
    }

    private double tau(double sigma, double startSigma, double endSigma) {
        if (options.eta() <= 0) return 0;
        return startSigma >= sigma && sigma >= endSigma ? options.eta() : 0;
    }

    /** The last {@code order} predictions (oldest first) weighted by {@code b}. */
    private static Tensor weightedPredictions(Step s, int i, int order, double[] b) {
        Tensor sum = null;
        for (int k = 0; k < order; k++) {
            Tensor term = s.carry().get("pred" + (i - order + 1 + k)).mul(b[k]);
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    private static double lambda(double sigma) {
        return -Math.log(sigma);
    }

    private static double[] lambdas(float[] sigmas, int from, int to) {
        double[] out = new double[to - from + 1];
        for (int k = from; k <= to; k++) out[k - from] = lambda(sigmas[k]);
        return out;
    }

    /** {@code compute_stochastic_adams_b_coeffs}: alpha_t times the Lagrange integrals (alpha_t = 1 for eps/v models). */
    static double[] bCoefficients(double sigmaNext, double[] currLambdas, double lambdaS, double lambdaT, double tau,
            boolean simpleOrder2, boolean corrector) {
        int n = currLambdas.length;
        double alphaT = sigmaNext * Math.exp(lambdaT);
        double tauMul = 1 + tau * tau;
        double h = lambdaT - lambdaS;
        if (simpleOrder2 && n == 2) {
            double b1;
            double b2;
            if (corrector) {
                b1 = alphaT * (0.5 * tauMul * h);
                b2 = alphaT * -Math.expm1(-h * tauMul) - b1;
            } else {
                b2 = alphaT * (0.5 * tauMul * h * h) / (currLambdas[n - 2] - lambdaS);
                b1 = alphaT * -Math.expm1(-h * tauMul) - b2;
            }
            return new double[]{b2, b1};
        }
        double[] expCoeffs = exponentialCoefficients(lambdaS, lambdaT, n, tau);
        // vander(curr_lambdas, n, increasing)^T: row p holds lambda_k^p
        double[][] v = new double[n][n];
        for (int p = 0; p < n; p++) for (int k = 0; k < n; k++) v[p][k] = Math.pow(currLambdas[k], p);
        double[] integrals = UniPc.solve(v, expCoeffs, n);
        for (int k = 0; k < n; k++) integrals[k] *= alphaT;
        return integrals;
    }

    /** {@code compute_exponential_coeffs}: (1 + tau^2) times the integrals of e^((1+tau^2)(x - t)) x^p from s to t. */
    static double[] exponentialCoefficients(double s, double t, int order, double tau) {
        double tauMul = 1 + tau * tau;
        double h = t - s;
        double[] product = new double[order];
        for (int p = 0; p < order; p++) product[p] = Math.pow(t, p) - Math.pow(s, p) * Math.exp(-tauMul * h);
        double[] out = new double[order];
        for (int a = 0; a < order; a++) {
            double sum = 0;
            for (int b = 0; b <= a; b++) {
                double logCoeff = logFactorial(a) - logFactorial(b);
                if (tau > 0) logCoeff -= (a - b) * Math.log(tauMul);
                double sign = (a - b) % 2 == 0 ? 1 : -1;
                sum += Math.exp(logCoeff) * sign * product[b];
            }
            out[a] = sum;
        }
        return out;
    }

    private static double logFactorial(int n) {
        double sum = 0;
        for (int k = 2; k <= n; k++) sum += Math.log(k);
        return sum;
    }
}
