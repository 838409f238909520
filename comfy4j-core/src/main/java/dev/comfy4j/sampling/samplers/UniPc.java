package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.Sampler;
import dev.comfy4j.sampling.SamplingContext;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code uni_pc} and {@code uni_pc_bh2}: the UniPC multistep predictor-corrector (Zhao et al. 2023) in
 * data-prediction mode, as ComfyUI runs it: in variance-preserving space (x / sqrt(1 + sigma^2)) with
 * the time variable being sigma itself, so alpha = 1 / sqrt(1 + sigma^2), lambda = -log sigma and the
 * data prediction is D; a final sigma of 0 is replaced by 0.001 and the result divided by its alpha.
 * Order min(3, steps - 1), lowered on the final steps; the first iteration only evaluates the model and
 * the last one makes two updates, the final one without corrector. B(h) = h (bh1) or e^h - 1 (bh2).
 */
public final class UniPc implements Sampler {
    private final boolean bh2;

    private UniPc(boolean bh2) {
        this.bh2 = bh2;
    }

    public static UniPc bh1() {
        return new UniPc(false);
    }

    public static UniPc bh2() {
        return new UniPc(true);
    }

    @Override
    public String name() {
        return bh2 ? "uni_pc_bh2" : "uni_pc";
    }

    /** A model evaluation kept for the multistep history: the data prediction at sigma t. */
    private record Evaluation(double t, Tensor x0) {}

    @Override
    public Tensor sample(Denoiser model, Tensor input, float[] sigmas, SamplingContext context) {
        double[] t = new double[sigmas.length];
        for (int i = 0; i < t.length; i++) t[i] = sigmas[i];
        if (t[t.length - 1] < 0.001) t[t.length - 1] = 0.001;
        int steps = t.length - 1;
        if (steps < 1) return input.clone();
        int order = Math.min(3, t.length - 2);
        List<Evaluation> history = new ArrayList<>();
        Tensor x;
        try (TensorScope scope = TensorScope.open()) {
            x = scope.keep(input.div(Math.sqrt(1.0 + t[0] * t[0])));
        }
        try {
            for (int stepIndex = 0; stepIndex < steps; stepIndex++) {
                context.checkInterrupt();
                try (TensorScope scope = TensorScope.open()) {
                    Tensor next = x;
                    if (stepIndex == 0) {
                        history.add(new Evaluation(t[0], scope.keep(dataPrediction(model, x, t[0]))));
                    } else if (stepIndex < order) {
                        Update u = update(model, x, history, t[stepIndex], stepIndex, true);
                        next = u.x;
                        history.add(new Evaluation(t[stepIndex], scope.keep(u.modelT != null ? u.modelT
                                : dataPrediction(model, next, t[stepIndex]))));
                    } else {
                        int last = stepIndex == steps - 1 ? stepIndex + 1 : stepIndex;
                        for (int step = stepIndex; step <= last; step++) {
                            int stepOrder = Math.min(order, steps + 1 - step);
                            boolean corrector = step != steps;
                            Update u = update(model, next, history, t[step], stepOrder, corrector);
                            next = u.x;
                            Evaluation dropped = history.remove(0);
                            if (step < steps) {
                                Tensor m = u.modelT != null ? u.modelT : dataPrediction(model, next, t[step]);
                                history.add(new Evaluation(t[step], scope.keep(m)));
                                dropped.x0.close();
                            } else {
                                // the final update needs no model value; keep the list's length and time
                                history.add(0, dropped);
                            }
                        }
                    }
                    context.stepCallback(stepIndex, steps, next, history.get(history.size() - 1).x0);
                    if (next != x) {
                        scope.keep(next);
                        x.close();
                        x = next;
                    }
                }
            }
            try (TensorScope scope = TensorScope.open()) {
                double t0 = t[t.length - 1];
                Tensor out = scope.keep(x.mul(Math.sqrt(1.0 + t0 * t0)));
                x.close();
                return out;
            }
        } finally {
            for (Evaluation e : history) e.x0.close();
        }
    }

    private record Update(Tensor x, Tensor modelT) {}

    /** {@code multistep_uni_pc_bh_update} with predict_x0. */
    private Update update(Denoiser model, Tensor x, List<Evaluation> history, double t, int order, boolean corrector) {
        Evaluation prev0 = history.get(history.size() - 1);
        double lambdaPrev0 = lambda(prev0.t);
        double lambdaT = lambda(t);
        double sigmaPrev0 = vpStd(prev0.t);
        double sigmaT = vpStd(t);
        double alphaT = alpha(t);
        double h = lambdaT - lambdaPrev0;
        double[] rks = new double[order];
        List<Tensor> d1s = new ArrayList<>();
        for (int i = 1; i < order; i++) {
            Evaluation prevI = history.get(history.size() - 1 - i);
            double rk = (lambda(prevI.t) - lambdaPrev0) / h;
            rks[i - 1] = rk;
            d1s.add(prevI.x0.sub(prev0.x0).div(rk));
        }
        rks[order - 1] = 1.0;
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double hPhiK = hPhi1 / hh - 1;
        double factorial = 1;
        double bH = bh2 ? Math.expm1(hh) : hh;
        double[][] r = new double[order][order];
        double[] b = new double[order];
        for (int i = 1; i <= order; i++) {
            for (int k = 0; k < order; k++) r[i - 1][k] = Math.pow(rks[k], i - 1);
            b[i - 1] = hPhiK * factorial / bH;
            factorial *= i + 1;
            hPhiK = hPhiK / hh - 1 / factorial;
        }
        Tensor base = x.mul(sigmaT / sigmaPrev0).sub(prev0.x0.mul(alphaT * hPhi1));
        Tensor xt = base;
        if (!d1s.isEmpty()) {
            double[] rhosP = order == 2 ? new double[]{0.5} : solve(r, b, order - 1);
            xt = base.sub(weighted(d1s, rhosP, d1s.size()).mul(alphaT * bH));
        }
        if (!corrector) return new Update(xt, null);
        double[] rhosC = order == 1 ? new double[]{0.5} : solve(r, b, order);
        Tensor modelT = dataPrediction(model, xt, t);
        Tensor d1t = modelT.sub(prev0.x0);
        Tensor correction = d1t.mul(rhosC[rhosC.length - 1]);
        if (!d1s.isEmpty()) correction = weighted(d1s, rhosC, d1s.size()).add(correction);
        return new Update(base.sub(correction.mul(alphaT * bH)), modelT);
    }

    private static Tensor weighted(List<Tensor> terms, double[] weights, int n) {
        Tensor sum = terms.get(0).mul(weights[0]);
        for (int k = 1; k < n; k++) sum = sum.add(terms.get(k).mul(weights[k]));
        return sum;
    }

    /**
     * The data prediction at VP-space x: the denoiser runs on x * sqrt(1 + t^2) (k-diffusion space);
     * ComfyUI converts to eps and back, which gives D again.
     */
    private static Tensor dataPrediction(Denoiser model, Tensor x, double t) {
        return model.denoise(x.mul(Math.sqrt(t * t + 1.0)), t);
    }

    private static double alpha(double sigma) {
        return Math.sqrt(1.0 / (sigma * sigma + 1.0));
    }

    private static double vpStd(double sigma) {
        double a = alpha(sigma);
        return Math.sqrt(1.0 - a * a);
    }

    private static double lambda(double sigma) {
        double a = alpha(sigma);
        return Math.log(a) - 0.5 * Math.log(1.0 - a * a);
    }

    /** Solves the leading n x n block of r * rho = b by Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] r, double[] b, int n) {
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(r[i], 0, a[i], 0, n);
            a[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int row = col + 1; row < n; row++) {
                double f = a[row][col] / a[col][col];
                for (int k = col; k <= n; k++) a[row][k] -= f * a[col][k];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = a[i][n];
            for (int k = i + 1; k < n; k++) s -= a[i][k] * x[k];
            x[i] = s / a[i][i];
        }
        return x;
    }
}
