package dev.comfy4j.model.unet;

import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * A denoiser conditioned on a cross-attention context, as {@link CfgDenoiser} calls it: ComfyUI's
 * {@code model.apply_model(x, sigma, c_crossattn=...)} and {@code model.memory_required}. The UNet
 * ({@link DiffusionModel}) is one; tests use small fakes whose output is a known function of the context.
 */
public interface ConditionedModel {
    /** The denoised prediction for {@code x} [B, C, H, W] at {@code sigma} [B] with {@code context} [B, L, D]. */
    Tensor applyModel(Tensor x, Tensor sigma, Tensor context);

    /**
     * As {@link #applyModel(Tensor, Tensor, Tensor)} with ControlNet residuals for the UNet's blocks
     * ({@code c['control']}; null means none) and under a MODEL's options (its replaced model sampling and
     * its UNet patches); {@code condOrUncond} says, per chunk of the batch, 0 for the positive and 1 for the
     * negative side. Models without a UNet to steer refuse residuals; a model without options support (test
     * fakes) ignores the options.
     */
    default Tensor applyModel(Tensor x, Tensor sigma, Tensor context, ControlResiduals control, ModelOptions options,
            List<Integer> condOrUncond) {
        if (control != null && !control.isEmpty()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no ControlNet");
        }
        return applyModel(x, sigma, context);
    }

    /**
     * As {@link #applyModel(Tensor, Tensor, Tensor, ControlResiduals, ModelOptions, List)} with the extra
     * embedding {@code y} [B, D] ({@code c['y']}, SDXL's size and pooled-text vector), or null for none.
     * Models without such an input refuse one.
     */
    default Tensor applyModel(Tensor x, Tensor sigma, Tensor context, Tensor y, ControlResiduals control, ModelOptions options,
            List<Integer> condOrUncond) {
        if (y != null) throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no extra embedding y");
        return applyModel(x, sigma, context, control, options, condOrUncond);
    }

    /** ComfyUI's working-memory estimate of one call on a batch of {@code shape}, in bytes. */
    double memoryRequired(long[] shape);
}
