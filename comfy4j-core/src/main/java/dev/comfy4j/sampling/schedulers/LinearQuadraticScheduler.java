package dev.comfy4j.sampling.schedulers;

import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.Scheduler;

/**
 * {@code linear_quadratic} (from Mochi): the first half of the steps lowers the noise linearly to a
 * 0.025 threshold, the rest quadratically to 0; sigma = (1 - v) * sigma_max.
 */
public final class LinearQuadraticScheduler implements Scheduler {
    private static final double THRESHOLD_NOISE = 0.025;

    @Override
    public String name() {
        return "linear_quadratic";
    }

    @Override
    public float[] sigmas(ModelSampling model, int steps) {
        double[] schedule = new double[steps + 1];
        if (steps == 1) {
            schedule[0] = 1.0;
        } else {
            int linearSteps = steps / 2;
            for (int i = 0; i < linearSteps; i++) schedule[i] = i * THRESHOLD_NOISE / linearSteps;
            double stepDiff = linearSteps - THRESHOLD_NOISE * steps;
            int quadraticSteps = steps - linearSteps;
            double quadraticCoef = stepDiff / (linearSteps * Math.pow(quadraticSteps, 2));
            double linearCoef = THRESHOLD_NOISE / linearSteps - 2 * stepDiff / Math.pow(quadraticSteps, 2);
            double constant = quadraticCoef * Math.pow(linearSteps, 2);
            for (int i = linearSteps; i < steps; i++) schedule[i] = quadraticCoef * i * i + linearCoef * i + constant;
            schedule[steps] = 1.0;
            for (int i = 0; i <= steps; i++) schedule[i] = 1.0 - schedule[i];
        }
        float sigmaMax = (float) model.sigmaMax();
        float[] out = new float[steps + 1];
        for (int i = 0; i <= steps; i++) out[i] = (float) schedule[i] * sigmaMax;
        return out;
    }
}
