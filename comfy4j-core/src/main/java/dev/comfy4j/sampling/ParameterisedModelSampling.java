package dev.comfy4j.sampling;

import dev.comfy4j.model.options.Parameterisation;

/** A replaced {@code model_sampling} (ModelSamplingDiscrete and friends) as schedulers and samplers see it. */
public record ParameterisedModelSampling(Parameterisation parameterisation) implements ModelSampling {
    @Override
    public float[] sigmas() {
        return parameterisation.sigmas();
    }

    @Override
    public double sigmaMin() {
        return parameterisation.sigmaMin();
    }

    @Override
    public double sigmaMax() {
        return parameterisation.sigmaMax();
    }

    @Override
    public double timestep(double sigma) {
        return parameterisation.timestep(sigma);
    }

    @Override
    public double sigma(double timestep) {
        return parameterisation.sigma(timestep);
    }

    @Override
    public double percentToSigma(double percent) {
        return parameterisation.percentToSigma(percent);
    }

    @Override
    public boolean scalesPureNoise() {
        return parameterisation.scalesPureNoise();
    }
}
