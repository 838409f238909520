package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;

/**
 * The exact denoiser of data distributed N(mean, std^2) independently per element: for
 * x = x0 + sigma * noise, E[x0 | x] = mean + std^2 / (std^2 + sigma^2) * (x - mean). Its probability-flow
 * ODE keeps (x - mean) / sqrt(std^2 + sigma^2) constant, which gives closed forms to test samplers with.
 */
record GaussianDenoiser(double mean, double std) implements Denoiser {
    @Override
    public Tensor denoise(Tensor x, double sigma) {
        return x.sub(mean).mul(std * std / (std * std + sigma * sigma)).add(mean);
    }

    double denoise(double x, double sigma) {
        return mean + std * std / (std * std + sigma * sigma) * (x - mean);
    }

    /** The exact ODE solution at {@code sigmaTo} of x at {@code sigmaFrom}. */
    double exact(double x, double sigmaFrom, double sigmaTo) {
        return mean + (x - mean) * Math.sqrt(std * std + sigmaTo * sigmaTo) / Math.sqrt(std * std + sigmaFrom * sigmaFrom);
    }
}
