package dev.comfy4j.sampling;

/**
 * What schedulers and samplers need from a model's noise parameterisation (ComfyUI's
 * {@code model_sampling}): the discrete sigma table and the sigma &lt;-&gt; timestep maps. Values are
 * float32 as ComfyUI's buffers hold them, widened to double.
 */
public interface ModelSampling {
    /** The sigma table, ascending (ComfyUI's {@code sigmas} buffer; 1000 entries for SD1.x). */
    float[] sigmas();

    /** {@code sigmas()[0]}. */
    double sigmaMin();

    /** The last entry of {@code sigmas()}. */
    double sigmaMax();

    /**
     * ComfyUI's {@code timestep(sigma)}: the index of the nearest log sigma for a discrete table (a whole
     * number), a continuous value for the continuous schedules of the model-sampling nodes.
     */
    double timestep(double sigma);

    /** ComfyUI's {@code sigma(t)}: log-linear interpolation in the table for a fractional timestep. */
    double sigma(double timestep);

    /**
     * ComfyUI's {@code percent_to_sigma}: 0% is above every sigma (999999999.9), 100% is 0, and in
     * between {@code sigma((1 - percent) * 999)}.
     */
    default double percentToSigma(double percent) {
        if (percent <= 0.0) return 999999999.9;
        if (percent >= 1.0) return 0.0;
        return sigma((1.0 - percent) * 999.0);
    }

    /**
     * Whether a start from sigma_max scales the noise by {@code sqrt(1 + sigma^2)} (ComfyUI's
     * {@code noise_scaling} with {@code max_denoise}); false for the Cosmos RFlow parameterisation.
     */
    default boolean scalesPureNoise() {
        return true;
    }
}
