package dev.comfy4j.model.options;

/**
 * The two look-ups in a discrete model sampling's table of log sigmas, in float32 as ComfyUI's
 * {@code ModelSamplingDiscrete} computes them; shared by the checkpoint's table
 * ({@code sampling.DiscreteModelSampling}) and the tables the ModelSampling nodes build
 * ({@link DiscreteParameterisation}).
 */
public final class LogSigmas {
    private LogSigmas() {}

    /** {@code timestep(sigma)}: the index of the nearest log sigma, ties to the lower index. */
    public static int nearestIndex(float[] logSigmas, double sigma) {
        float logSigma = (float) Math.log((float) sigma);
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int i = 0; i < logSigmas.length; i++) {
            float d = Math.abs(logSigma - logSigmas[i]);
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }

    /** {@code sigma(t)}: log-linear interpolation between the entries around {@code t}, clamped into the table. */
    public static double interpolate(float[] logSigmas, float t) {
        float clamped = Math.min(Math.max(t, 0f), logSigmas.length - 1);
        int low = (int) Math.floor(clamped);
        int high = (int) Math.ceil(clamped);
        float w = clamped - low;
        float logSigma = (1f - w) * logSigmas[low] + w * logSigmas[high];
        return (float) Math.exp(logSigma);
    }
}
