package dev.comfy4j.model.unet;

import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.model.LoadedModel;
import dev.comfy4j.model.ModelFamily;
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
    private final UNetModel unet;
    private final ModelSamplingDiscrete sampling;
    private final ModelFamily family;

    /** A UNet of {@code family}: its latent format and {@code encode_adm} (the y vector) come from the family. */
    public DiffusionModel(UNetModel unet, ModelSamplingDiscrete sampling, ModelFamily family) {
        this.unet = unet;
        this.sampling = sampling;
        this.family = family;
        Integer adm = unet.config().admInChannels();
        if (AdmEncoder.of(family) != null && adm == null) {
            throw new IllegalArgumentException("a " + family.comfyName() + " UNet needs the extra embedding y, and this one takes none");
        }
    }

    /** The family this UNet belongs to (ComfyUI's model class). */
    public ModelFamily family() {
        return family;
    }

    /** The family's latent format (scale factor, preview factors). */
    public LatentFormat latentFormat() {
        return family.latentFormat();
    }

    /** The family's {@code encode_adm}, or null when the UNet takes no y. */
    public AdmEncoder admEncoder() {
        return AdmEncoder.of(family);
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
        return applyModel(x, sigma, context, null, control, options, condOrUncond);
    }

    /** As above with the extra embedding {@code y} [B, adm_in_channels] (SDXL), or null for none. */
    @Override
    public Tensor applyModel(Tensor x, Tensor sigma, Tensor context, Tensor y, ControlResiduals control, ModelOptions options,
            List<Integer> condOrUncond) {
        Parameterisation p = options.modelSampling();
        try (TensorScope scope = TensorScope.open()) {
            TransformerOptions t = options.transformerPatches().isEmpty() ? null
                    : new TransformerOptions(options.transformerPatches(), sigma, condOrUncond);
            Tensor input = p == null ? sampling.calculateInput(sigma, x) : p.calculateInput(sigma, x);
            Tensor timesteps = p == null ? sampling.timestep(sigma).to(DType.F32) : p.timesteps(sigma);
            Tensor output = unet.forward(input, timesteps, context, y, control, t).to(DType.F32);
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
        return area * 0.15 * family.memoryUsageFactor() * 1024 * 1024;
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
