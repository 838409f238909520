package dev.comfy4j.sampling;

import dev.comfy4j.tensor.DefaultGenerator;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * What ComfyUI's {@code comfy.sample.sample} and {@code KSAMPLER.sample} do around a sampler, for
 * eps/v models with a scaled latent space (SD1.x, SD2.x):
 *
 * <ol>
 *   <li>no sigmas (denoise 0) return the latent unchanged;</li>
 *   <li>a latent with any non-zero value enters model space (times the scale factor); an empty one stays 0;</li>
 *   <li>the start is {@code noise * sqrt(1 + sigma0^2)} when sigma0 is sigma_max (pure noise), else
 *       {@code noise * sigma0}, plus that latent;</li>
 *   <li>with a noise mask, every model call sees the kept area re-noised to its sigma from the latent
 *       and returns the latent there ({@code KSamplerX0Inpaint}); {@code ddim} re-noises with noise from
 *       seed + 1;</li>
 *   <li>the result leaves model space (divided by the scale factor), float32.</li>
 * </ol>
 */
public final class KSamplerPipeline {
    /** SD1.x / SD2.x latent scale factor ({@code latent_formats.SD15}). */
    public static final double SD15_SCALE_FACTOR = dev.comfy4j.model.LatentFormat.SD15.scaleFactor();

    private KSamplerPipeline() {}

    /**
     * @param guided the guided denoiser (CFG applied) in model space
     * @param modelSampling the model's noise levels (for the pure-noise rule)
     * @param sampler the sampler
     * @param sigmas the sigmas to sample (already denoise/start/end-adjusted)
     * @param latent the input latent in VAE space [B, C, H, W]
     * @param noise the initial noise of the latent's shape (zeros when noise is disabled)
     * @param noiseMask the latent's noise mask (1 = regenerate) of any size, or null
     * @param scaleFactor the latent format's scale factor
     * @param context seed, per-step listener and interrupt check
     * @return the sampled latent in VAE space, owned by the caller
     */
    public static Tensor sample(Denoiser guided, ModelSampling modelSampling, Sampler sampler, float[] sigmas, Tensor latent,
            Tensor noise, Tensor noiseMask, double scaleFactor, SamplingContext context) {
        return sample(guided, modelSampling, sampler, sigmas, latent, noise, noiseMask, scaleFactor, context, null);
    }

    /**
     * As {@link #sample(Denoiser, ModelSampling, Sampler, float[], Tensor, Tensor, Tensor, double, SamplingContext)},
     * with the MODEL's {@code denoise_mask_function} (null for none) applied to the noise mask at every step.
     */
    public static Tensor sample(Denoiser guided, ModelSampling modelSampling, Sampler sampler, float[] sigmas, Tensor latent,
            Tensor noise, Tensor noiseMask, double scaleFactor, SamplingContext context, GuidedModel.MaskSchedule maskSchedule) {
        if (sigmas.length == 0) return latent.clone();
        context.withModelSampling(modelSampling);
        try (TensorScope scope = TensorScope.open()) {
            boolean empty = latent.abs().amax().item() == 0;
            Tensor modelLatent = empty ? latent : latent.mul(scaleFactor);
            Denoiser model = guided;
            if (noiseMask != null) {
                Tensor mask = reshapeMask(noiseMask, latent.shape());
                Tensor inpaintNoise = sampler.randomInpaintNoise() ? randomInpaintNoise(context.seed() + 1, noise) : noise;
                model = maskSchedule == null ? inpainting(guided, mask, modelLatent, inpaintNoise)
                        : scheduledInpainting(guided, mask, modelLatent, inpaintNoise, maskSchedule, sigmas);
            }
            double sigma0 = sigmas[0];
            Tensor start = isMaxDenoise(modelSampling, sigma0) && modelSampling.scalesPureNoise()
                    ? noise.mul(Math.sqrt(1.0 + sigma0 * sigma0))
                    : noise.mul(sigma0);
            start = start.add(modelLatent);
            Tensor samples = sampler.sample(model, start, sigmas, context);
            return scope.keep(samples.div(scaleFactor).to(dev.comfy4j.tensor.DType.F32));
        }
    }

    /**
     * ddim's inpaint noise: {@code torch.manual_seed(seed + 1)} and a draw of the noise's shape. ComfyUI reseeds torch's
     * default generator with it, so the run's {@link DefaultGenerator} (when bound) continues from there.
     */
    private static Tensor randomInpaintNoise(long seed, Tensor noise) {
        var torchDefault = DefaultGenerator.current();
        if (torchDefault.isEmpty()) return Noise.prepare(seed, noise.shape(), null, noise.dtype());
        torchDefault.get().manualSeed(seed);
        return Noise.prepare(torchDefault.get().generator(), noise.shape(), null, noise.dtype());
    }

    /** ComfyUI's {@code max_denoise}: sigma0 equals sigma_max within a relative 1e-5, or exceeds it. */
    public static boolean isMaxDenoise(ModelSampling modelSampling, double sigma0) {
        double max = modelSampling.sigmaMax();
        return Math.abs(max - sigma0) <= 1e-5 * Math.max(Math.abs(max), Math.abs(sigma0)) || sigma0 > max;
    }

    /** {@code KSamplerX0Inpaint}: keep the unmasked area on the latent's own noisy trajectory. */
    static Denoiser inpainting(Denoiser inner, Tensor mask, Tensor latent, Tensor noise) {
        return new Denoiser() {
            @Override
            public Tensor denoise(Tensor x, double sigma) {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor keep = mask.rsub(1.0);
                    Tensor xIn = x.mul(mask).add(noise.mul(sigma).add(latent).mul(keep));
                    Tensor out = inner.denoise(xIn, sigma);
                    return scope.keep(out.mul(mask).add(latent.mul(keep)));
                }
            }

            /** The CFG++ hook sees the inner model's unconditional prediction, before the mask is applied. */
            @Override
            public Guided denoiseGuided(Tensor x, double sigma) {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor keep = mask.rsub(1.0);
                    Tensor xIn = x.mul(mask).add(noise.mul(sigma).add(latent).mul(keep));
                    Guided out = inner.denoiseGuided(xIn, sigma);
                    return new Guided(scope.keep(out.denoised().mul(mask).add(latent.mul(keep))), scope.keep(out.uncond()));
                }
            }
        };
    }

    /** {@code KSamplerX0Inpaint} with a {@code denoise_mask_function}: each call uses the mask it gives for the sigma. */
    static Denoiser scheduledInpainting(Denoiser inner, Tensor mask, Tensor latent, Tensor noise, GuidedModel.MaskSchedule schedule,
            float[] sigmas) {
        return new Denoiser() {
            @Override
            public Tensor denoise(Tensor x, double sigma) {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor m = schedule.mask(sigma, mask, sigmas);
                    return scope.keep(inpainting(inner, m, latent, noise).denoise(x, sigma));
                }
            }

            @Override
            public Guided denoiseGuided(Tensor x, double sigma) {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor m = schedule.mask(sigma, mask, sigmas);
                    Guided g = inpainting(inner, m, latent, noise).denoiseGuided(x, sigma);
                    return new Guided(scope.keep(g.denoised()), scope.keep(g.uncond()));
                }
            }
        };
    }

    /**
     * {@code comfy.utils.reshape_mask}: a [H, W], [B, H, W] or [B, 1, H, W] mask resized bilinearly to
     * the latent's size, repeated over its channels and batch.
     */
    static Tensor reshapeMask(Tensor mask, long[] shape) {
        try (TensorScope scope = TensorScope.open()) {
            long h = mask.size(mask.dim() - 2);
            long w = mask.size(mask.dim() - 1);
            Tensor m = mask.reshape(-1, 1, h, w);
            m = Functional.interpolate(m, shape[2], shape[3], Interpolation.BILINEAR, false);
            if (m.size(1) < shape[1]) m = m.repeat(1, shape[1], 1, 1).narrow(1, 0, shape[1]);
            long have = m.size(0);
            if (have > shape[0]) m = m.narrow(0, 0, shape[0]);
            else if (have < shape[0]) m = m.repeat((shape[0] + have - 1) / have, 1, 1, 1).narrow(0, 0, shape[0]);
            return scope.keep(m.contiguous());
        }
    }
}
