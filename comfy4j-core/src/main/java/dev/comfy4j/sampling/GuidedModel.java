package dev.comfy4j.sampling;

import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * A diffusion model held for one sampler run, as the KSampler pipeline needs it: its noise levels,
 * its latent scale factor and classifier-free guided denoising. Close it when the run ends (it releases
 * the model lease).
 */
public interface GuidedModel extends AutoCloseable {
    ModelSampling modelSampling();

    /** The model family's latent format: its scale factor and preview factors. */
    LatentFormat latentFormat();

    /** The latent format's scale factor (0.18215 for SD1.x, 0.13025 for SDXL). */
    default double latentScaleFactor() {
        return latentFormat().scaleFactor();
    }

    /**
     * The guided denoiser {@code uncond + (cond - uncond) * cfg} for whole-image cross-attention
     * contexts (the negative is skipped when cfg is 1; a null negative predicts 0). Its
     * {@link Denoiser#denoiseGuided} returns the negative's own prediction as the unconditional one
     * (evaluated even at cfg 1), which the CFG++ samplers and DualCFGGuider use.
     */
    Denoiser guided(Tensor positiveContext, Tensor negativeContext, double cfg);

    /**
     * The guided denoiser for any CONDITIONING entries (areas, masks, strengths, timestep ranges, several
     * entries per side), resolved once for a latent of {@code latentShape} [B, C, H, W] as ComfyUI's
     * {@code process_conds} does. Tensors it makes for the run live in the caller's scope.
     *
     * <p>This default handles one plain entry per side (the whole-image case) through
     * {@link #guided(Tensor, Tensor, double)}; models that implement full conditioning override it.
     */
    default Denoiser guided(List<SamplingCond> positive, List<SamplingCond> negative, double cfg, long[] latentShape) {
        if (positive.size() == 1 && negative.size() == 1 && isPlain(positive.get(0)) && isPlain(negative.get(0))) {
            return guided(positive.get(0).crossAttn(), negative.get(0).crossAttn(), cfg);
        }
        throw new UnsupportedOperationException("this model takes one whole-image conditioning per side");
    }

    /**
     * Raw predictions for guiders that combine more than two conditionings (DualCFGGuider,
     * PerpNegGuider, BasicGuider): the {@code sides} resolved together as ComfyUI's {@code process_conds}
     * does for a guider's named conds, in the guider's order, for a latent of {@code latentShape}.
     */
    default CondPredictions condPredictions(List<List<SamplingCond>> sides, long[] latentShape) {
        throw new UnsupportedOperationException("this model does not give raw conditioning predictions");
    }

    /** ComfyUI's {@code calc_cond_batch} over resolved sides. */
    interface CondPredictions {
        /**
         * One prediction per entry of {@code order} (indices of the resolved sides, or -1 for ComfyUI's
         * None, which predicts zeros), batched together as {@code calc_cond_batch} batches its list.
         */
        List<Tensor> predict(Tensor x, double sigma, int... order);
    }

    /** Only the context (the pooled output and sizes, which only SDXL-type models read, may be there too). */
    private static boolean isPlain(SamplingCond c) {
        return c.equals(new SamplingCond(c.crossAttn(), null, false, null, null, false, null, null, null, null, false, c.adm()));
    }

    /**
     * The MODEL's {@code denoise_mask_function} (Differential Diffusion) as the inpainting wrapper applies it,
     * or null when the model has none.
     */
    default MaskSchedule maskSchedule() {
        return null;
    }

    /** The inpainting mask one step uses: from the latent-sized noise mask, the step's sigma and the run's sigmas. */
    @FunctionalInterface
    interface MaskSchedule {
        Tensor mask(double sigma, Tensor denoiseMask, float[] sigmas);
    }

    @Override
    void close();
}
