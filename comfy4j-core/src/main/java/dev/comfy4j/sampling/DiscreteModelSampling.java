package dev.comfy4j.sampling;

import dev.comfy4j.model.options.LogSigmas;

/**
 * {@link ModelSampling} over a discrete table of sigmas and their logarithms, with ComfyUI's float32
 * arithmetic for {@code timestep} (nearest log sigma, ties to the lower index) and {@code sigma}
 * (log-linear interpolation, timesteps clamped to the table). Pure Java: no tensors.
 */
public final class DiscreteModelSampling implements ModelSampling {
    private final float[] sigmas;
    private final float[] logSigmas;

    private DiscreteModelSampling(float[] sigmas, float[] logSigmas) {
        if (sigmas.length == 0 || sigmas.length != logSigmas.length) {
            throw new IllegalArgumentException("sigma tables must be non-empty and of equal length");
        }
        this.sigmas = sigmas.clone();
        this.logSigmas = logSigmas.clone();
    }

    /** From the {@code sigmas} and {@code log_sigmas} buffers of a model. */
    public static DiscreteModelSampling of(float[] sigmas, float[] logSigmas) {
        return new DiscreteModelSampling(sigmas, logSigmas);
    }

    /**
     * ComfyUI's discrete EPS table for a "linear" beta schedule (SD1.x/SD2.x: 0.00085, 0.012, 1000):
     * betas = linspace(sqrt(start), sqrt(end), n)^2 in double, sigma = sqrt((1 - acp) / acp).
     */
    public static DiscreteModelSampling scaledLinear(double linearStart, double linearEnd, int timesteps) {
        double a = Math.sqrt(linearStart);
        double b = Math.sqrt(linearEnd);
        double step = (b - a) / (timesteps - 1);
        float[] sigmas = new float[timesteps];
        float[] logs = new float[timesteps];
        double alphasCumprod = 1.0;
        for (int i = 0; i < timesteps; i++) {
            double v = i < timesteps / 2 ? a + step * i : b - step * (timesteps - 1 - i); // torch's linspace
            alphasCumprod *= 1.0 - v * v;
            double sigma = Math.sqrt((1.0 - alphasCumprod) / alphasCumprod);
            sigmas[i] = (float) sigma;
            logs[i] = (float) Math.log(sigma);
        }
        return new DiscreteModelSampling(sigmas, logs);
    }

    /** SD1.x / SD2.x. */
    public static DiscreteModelSampling sd15() {
        return scaledLinear(0.00085, 0.012, 1000);
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

    @Override
    public double timestep(double sigma) {
        return LogSigmas.nearestIndex(logSigmas, sigma);
    }

    @Override
    public double sigma(double timestep) {
        return LogSigmas.interpolate(logSigmas, (float) timestep);
    }
}
