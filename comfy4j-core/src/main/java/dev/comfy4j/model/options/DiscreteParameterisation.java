package dev.comfy4j.model.options;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's {@code ModelSamplingDiscrete} (and, for {@code lcm}, {@code ModelSamplingDiscreteDistilled})
 * with one of the discrete parameterisations of the ModelSamplingDiscrete node.
 *
 * <p>The table: the "linear" beta schedule of SD1.x/SD2.x ({@code linspace(sqrt(0.00085), sqrt(0.012), 1000)^2}
 * in float64), {@code sigma = sqrt((1 - acp) / acp)}, optionally rescaled to zero terminal SNR
 * ({@code rescale_zero_terminal_snr_sigmas}, float64), stored as float32 with float64 logarithms. The distilled
 * table keeps every 20th sigma (50 of 1000: {@code sigmas[999 - 20 x]}), its logarithms taken in float32, and
 * maps a sigma to the timestep {@code 20 i + 19} of its nearest entry i.
 *
 * @param kind the parameterisation
 * @param sigmas the table, ascending
 * @param logSigmas its logarithms
 * @param skipSteps 1, or 20 for the distilled (lcm) table
 */
public record DiscreteParameterisation(Kind kind, float[] sigmas, float[] logSigmas, int skipSteps, boolean zsnr)
        implements Parameterisation {
    public enum Kind { EPS, V_PREDICTION, LCM, X0, IMG_TO_IMG }

    public static final int TIMESTEPS = 1000;
    /** The last alphas_cumprod of a zero-terminal-SNR table (ComfyUI's constant, so that the last sigma stays finite). */
    static final double ZSNR_LAST_ALPHA_BAR = 4.8973451890853435e-08;
    private static final int ORIGINAL_TIMESTEPS = 50;

    /** The table of the ModelSamplingDiscrete node for an SD1.x/SD2.x model. */
    public static DiscreteParameterisation of(Kind kind, boolean zsnr) {
        double[] full = sigmasFloat64(0.00085, 0.012, TIMESTEPS);
        if (zsnr) full = rescaleZeroTerminalSnr(full);
        float[] table = new float[TIMESTEPS];
        float[] logs = new float[TIMESTEPS];
        for (int i = 0; i < TIMESTEPS; i++) {
            table[i] = (float) full[i];
            logs[i] = (float) Math.log(full[i]);
        }
        if (kind != Kind.LCM) return new DiscreteParameterisation(kind, table, logs, 1, zsnr);
        int skip = TIMESTEPS / ORIGINAL_TIMESTEPS;
        float[] valid = new float[ORIGINAL_TIMESTEPS];
        float[] validLogs = new float[ORIGINAL_TIMESTEPS];
        for (int x = 0; x < ORIGINAL_TIMESTEPS; x++) valid[ORIGINAL_TIMESTEPS - 1 - x] = table[TIMESTEPS - 1 - x * skip];
        try (TensorScope ignored = TensorScope.open()) {
            float[] l = Tensor.fromFloats(valid, ORIGINAL_TIMESTEPS).log().toFloatArray(); // float32 log, as torch
            System.arraycopy(l, 0, validLogs, 0, ORIGINAL_TIMESTEPS);
        }
        return new DiscreteParameterisation(kind, valid, validLogs, skip, zsnr);
    }

    /** {@code ((1 - acp) / acp) ** 0.5} of the "linear" schedule, in float64. */
    static double[] sigmasFloat64(double linearStart, double linearEnd, int n) {
        double a = Math.sqrt(linearStart);
        double b = Math.sqrt(linearEnd);
        double step = (b - a) / (n - 1);
        double[] out = new double[n];
        double acp = 1.0;
        for (int i = 0; i < n; i++) {
            double v = i < n / 2 ? a + step * i : b - step * (n - 1 - i); // torch's linspace
            acp *= 1.0 - v * v;
            out[i] = Math.sqrt((1.0 - acp) / acp);
        }
        return out;
    }

    /** ComfyUI's {@code rescale_zero_terminal_snr_sigmas} in float64. */
    static double[] rescaleZeroTerminalSnr(double[] sigmas) {
        int n = sigmas.length;
        double[] sqrtAbar = new double[n];
        for (int i = 0; i < n; i++) sqrtAbar[i] = Math.sqrt(1.0 / (sigmas[i] * sigmas[i] + 1.0));
        double first = sqrtAbar[0];
        double last = sqrtAbar[n - 1];
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = (sqrtAbar[i] - last) * (first / (first - last));
            double abar = s * s;
            if (i == n - 1) abar = ZSNR_LAST_ALPHA_BAR;
            out[i] = Math.pow((1.0 - abar) / abar, 0.5);
        }
        return out;
    }

    @Override
    public float[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public double sigmaMin() {
        return sigmas[0];
    }

    @Override
    public double sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /** The nearest log sigma's index (ties to the lower), times skipSteps plus skipSteps - 1. */
    @Override
    public double timestep(double sigma) {
        return LogSigmas.nearestIndex(logSigmas, sigma) * skipSteps + (skipSteps - 1);
    }

    @Override
    public double sigma(double timestep) {
        return LogSigmas.interpolate(logSigmas, (float) ((timestep - (skipSteps - 1)) / skipSteps));
    }

    @Override
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return 999999999.9;
        if (percent >= 1.0) return 0.0;
        return sigma((1.0 - percent) * 999.0);
    }

    @Override
    public Tensor timesteps(Tensor sigma) {
        float[] s = sigma.to(DType.F32).contiguous().toFloatArray();
        float[] t = new float[s.length];
        for (int i = 0; i < s.length; i++) t[i] = (float) timestep(s[i]);
        return Tensor.fromFloats(t, sigma.shape()).to(sigma.device());
    }

    @Override
    public Tensor calculateInput(Tensor sigma, Tensor x) {
        if (kind == Kind.IMG_TO_IMG) return x.clone();
        try (TensorScope scope = TensorScope.open()) {
            Tensor s = Parameterisation.perSample(sigma, x);
            return scope.keep(x.div(s.pow(2).add(1.0).pow(0.5)));
        }
    }

    @Override
    public Tensor calculateDenoised(Tensor sigma, Tensor out, Tensor x) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor s = Parameterisation.perSample(sigma, out);
            Tensor result = switch (kind) {
                case EPS -> x.sub(out.mul(s));
                case V_PREDICTION -> {
                    Tensor d = s.pow(2).add(1.0);
                    yield x.div(d).sub(out.mul(s).div(d.pow(0.5)));
                }
                case LCM -> {
                    // c_out * (x - out * sigma) + c_skip * x, at the distilled timestep scaled by 10 (sigma_data 0.5)
                    Tensor t = Parameterisation.perSample(timesteps(sigma), out).mul(10.0);
                    Tensor t2 = t.pow(2).add(0.25);
                    Tensor cSkip = Tensor.full(0.25, DType.F32, t2.shape()).div(t2);
                    Tensor cOut = t.div(t2.pow(0.5));
                    yield cOut.mul(x.sub(out.mul(s))).add(cSkip.mul(x));
                }
                case X0, IMG_TO_IMG -> out.clone();
            };
            return scope.keep(result);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscreteParameterisation p && p.kind == kind && p.zsnr == zsnr && p.skipSteps == skipSteps;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Boolean.hashCode(zsnr) * 7 + skipSteps;
    }

    @Override
    public String toString() {
        return "ModelSamplingDiscrete[" + kind + (zsnr ? ", zsnr" : "") + "]";
    }
}
