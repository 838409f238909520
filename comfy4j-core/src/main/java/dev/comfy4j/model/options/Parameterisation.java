package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;

/**
 * A {@code model_sampling} object as ComfyUI's model-sampling nodes build it: a noise schedule (sigma table,
 * sigma &lt;-&gt; timestep maps) combined with a parameterisation of the model's output (EPS, V_PREDICTION,
 * LCM, X0, IMG_TO_IMG, EDM, COSMOS_RFLOW). Implementations are immutable records.
 */
public interface Parameterisation {
    /** The model input for x at sigma ({@code calculate_input}); sigma [B]. */
    Tensor calculateInput(Tensor sigma, Tensor x);

    /** The denoised latent from the model output ({@code calculate_denoised}). */
    Tensor calculateDenoised(Tensor sigma, Tensor modelOutput, Tensor x);

    /** The UNet's timestep for each sigma, float32 of sigma's shape ({@code timestep(sigma).float()}). */
    Tensor timesteps(Tensor sigma);

    /** The sigma table, ascending (the {@code sigmas} buffer). */
    float[] sigmas();

    double sigmaMin();

    double sigmaMax();

    /** {@code timestep(sigma)} for one value (float32 arithmetic). */
    double timestep(double sigma);

    /** {@code sigma(timestep)} for one value. */
    double sigma(double timestep);

    /** {@code percent_to_sigma}. */
    double percentToSigma(double percent);

    /**
     * Whether sampling from sigma_max scales the noise by {@code sqrt(1 + sigma^2)} ({@code noise_scaling}
     * with {@code max_denoise}); COSMOS_RFLOW scales by sigma alone.
     */
    default boolean scalesPureNoise() {
        return true;
    }

    /** sigma [B] (or one value) as [B, 1, 1, ...] to broadcast over {@code like}. */
    static Tensor perSample(Tensor sigma, Tensor like) {
        long[] shape = new long[like.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = sigma.numel();
        return sigma.to(like.dtype()).reshape(shape);
    }
}
