package dev.comfy4j.model.unet;

import dev.comfy4j.model.LoadedModel;
import dev.comfy4j.model.Prediction;
import dev.comfy4j.model.options.DiscreteParameterisation;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.options.Parameterisation;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * A UNet with its noise schedule and parameterisation: ComfyUI's {@code BaseModel.apply_model}. Given
 * the noisy latent x (model space, as a k-diffusion sampler holds it) and its sigma, it scales the
 * input, runs the UNet at the integer timestep nearest to sigma, and returns the denoised latent.
 *
 * <p>Owns the UNet (closing this closes it). Not thread-safe: one call at a time.
 */
public final class DiffusionModel implements LoadedModel, ConditionedModel {
    /**
     * ComfyUI's {@code memory_usage_factor} of its base model config, used by {@link #memoryRequired}
     * to decide how many conditionings one UNet call may batch.
     */
    private static final double MEMORY_USAGE_FACTOR = 2.0;

    private final UNetModel unet;
    private final ModelSamplingDiscrete sampling;

    public DiffusionModel(UNetModel unet, ModelSamplingDiscrete sampling) {
        this.unet = unet;
        this.sampling = sampling;
    }

    public UNetModel unet() {
        return unet;
    }

    public ModelSamplingDiscrete modelSampling() {
        return sampling;
    }

    public Prediction prediction() {
        return sampling.prediction();
    }

    /**
     * The denoised latent for {@code x} [B, C, H, W] at {@code sigma} [B] with the cross-attention
     * {@code context} [B, L, D]: {@code calculate_denoised(sigma, unet(calculate_input(sigma, x),
     * timestep(sigma), context), x)}. Float32 result in the caller's scope.
     */
    @Override
    public Tensor applyModel(Tensor x, Tensor sigma, Tensor context) {
        return applyModel(x, sigma, context, null, ModelOptions.NONE, List.of());
    }

    /**
     * {@code apply_model} with ControlNet residuals added in the UNet (null: none) and under a MODEL's
     * options: the replaced {@code model_sampling} (if any) scales the input, gives the timestep and the
     * denoised latent; the transformer patches run inside the UNet.
     */
    @Override
    public Tensor applyModel(Tensor x, Tensor sigma, Tensor context, ControlResiduals control, ModelOptions options,
            List<Integer> condOrUncond) {
        Parameterisation p = options.modelSampling();
        try (TensorScope scope = TensorScope.open()) {
            TransformerOptions t = options.transformerPatches().isEmpty() ? null
                    : new TransformerOptions(options.transformerPatches(), sigma, condOrUncond);
            Tensor input = p == null ? sampling.calculateInput(sigma, x) : p.calculateInput(sigma, x);
            Tensor timesteps = p == null ? sampling.timestep(sigma).to(DType.F32) : p.timesteps(sigma);
            Tensor output = unet.forward(input, timesteps, context, null, control, t).to(DType.F32);
            return scope.keep(p == null ? sampling.calculateDenoised(sigma, output, x) : p.calculateDenoised(sigma, output, x));
        }
    }

    /** The noise levels sampling sees under {@code options}: the replaced model sampling, else the checkpoint's table. */
    public Parameterisation parameterisation(ModelOptions options) {
        if (options.modelSampling() != null) return options.modelSampling();
        return DiscreteParameterisation.of(sampling.prediction() == Prediction.V_PREDICTION
                ? DiscreteParameterisation.Kind.V_PREDICTION : DiscreteParameterisation.Kind.EPS, false);
    }

    /**
     * ComfyUI's estimate of the working memory of one UNet call on a batch of {@code shape} [B, C, H, W]
     * (its formula for the sub-quadratic attention it uses on the CPU), in bytes.
     */
    @Override
    public double memoryRequired(long[] shape) {
        double area = shape[0];
        for (int i = 2; i < shape.length; i++) area *= shape[i];
        return area * 0.15 * MEMORY_USAGE_FACTOR * 1024 * 1024;
    }

    @Override
    public long byteSize() {
        return unet.byteSize();
    }

    @Override
    public void close() {
        unet.close();
    }
}
