package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.KSamplerPipeline;
import dev.comfy4j.sampling.Sampler;
import dev.comfy4j.sampling.Samplers;
import dev.comfy4j.sampling.SamplingContext;
import dev.comfy4j.sampling.Schedulers;
import dev.comfy4j.sampling.StepListener;
import dev.comfy4j.sampling.preview.LatentPreviewer;
import dev.comfy4j.sampling.preview.PreviewJpeg;
import dev.comfy4j.sampling.SigmaSelection;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.DefaultGenerator;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.math.BigInteger;
import java.util.List;

/**
 * ComfyUI's {@code nodes.common_ksampler} with {@code comfy.sample.sample} and {@code KSampler.sample}:
 * the initial noise ({@code prepare_noise} with the latent's batch_index, or zeros), the sigmas
 * (denoise, start/end steps), progress and a preview after every step, and the output latent (a copy of the input
 * with new samples). Conditioning: every entry of both sides, with its area, mask, strength and
 * timestep range ({@link SamplingConds}, resolved by the model's guided denoiser).
 */
final class CommonKSampler {
    private CommonKSampler() {}

    /** One run's settings, as the KSampler nodes read them. */
    record Settings(BigInteger seed, int steps, double cfg, String samplerName, String schedulerName, double denoise,
                    boolean disableNoise, Integer startStep, Integer lastStep, boolean forceFullDenoise) {}

    static Latent run(SamplingModels models, SamplingPreviews previews, Object model, Conditioning positive,
            Conditioning negative, Latent latent, Settings s, NodeContext context) throws Exception {
        Sampler sampler = Samplers.byName(s.samplerName());
        Tensor samples = latent.samples();
        long seed = s.seed().longValue(); // torch.manual_seed keeps the low 64 bits
        try (GuidedModel guided = models.open(model); TensorScope scope = TensorScope.open()) {
            float[] sigmas = SigmaSelection.forDenoise(guided.modelSampling(), s.samplerName(),
                    Schedulers.byName(s.schedulerName()), s.steps(), s.denoise());
            if (s.lastStep() != null && s.lastStep() < sigmas.length - 1) {
                sigmas = java.util.Arrays.copyOf(sigmas, s.lastStep() + 1);
                if (s.forceFullDenoise()) sigmas[sigmas.length - 1] = 0f;
            }
            if (s.startStep() != null) {
                if (s.startStep() < sigmas.length - 1) sigmas = java.util.Arrays.copyOfRange(sigmas, s.startStep(), sigmas.length);
                else return latent; // ComfyUI returns the input latent itself
            }
            // torch.manual_seed(seed) in prepare_noise; with the noise disabled ComfyUI leaves torch's default generator
            // as the process had it, comfy4j starts it at the seed (docs/compatibility.md, ToMe)
            float[] runSigmas = sigmas;
            Tensor out;
            try (DefaultGenerator torchDefault = DefaultGenerator.seeded(seed)) {
                Tensor noise = s.disableNoise()
                        ? Tensor.zeros(DType.F32, samples.shape())
                        : Noise.prepare(torchDefault.generator(), samples.shape(), batchIndex(latent.batchIndex()), samples.dtype());
                var denoiser = guided.guided(SamplingConds.of(positive), SamplingConds.of(negative), s.cfg(), samples.shape());
                try (LatentPreviewer previewer = previews.open(guided.latentFormat());
                        SamplingContext run = new SamplingContext(seed, progress(context, previewer, previews.maxSize()),
                                context::checkInterrupt)) {
                    out = torchDefault.during(() -> KSamplerPipeline.sample(denoiser,
                            guided.modelSampling(), sampler, runSigmas, samples.to(DType.F32), noise.to(DType.F32),
                            latent.noiseMask(), guided.latentScaleFactor(), run, guided.maskSchedule()));
                }
            }
            // the output cache owns the result, as with the VAE nodes
            return latent.withSamples(scope.keep(out).escapeScope());
        }
    }

    /**
     * ComfyUI's sampler callback ({@code latent_preview.prepare_callback}): the step's preview, if any, as
     * a JPEG of the first denoised latent, then {@code pbar.update_absolute(step + 1, total, preview)}.
     */
    static StepListener progress(NodeContext context, LatentPreviewer previewer, int maxSize) {
        if (previewer == null) return (step, total, x, denoised) -> context.progress(step + 1, total);
        return (step, total, x, denoised) -> {
            byte[] jpeg = PreviewJpeg.encode(previewer.preview(denoised), maxSize);
            context.progress(step + 1, total, "image/jpeg", jpeg);
        };
    }

    private static int[] batchIndex(List<Long> index) {
        if (index == null) return null;
        return index.stream().mapToInt(Long::intValue).toArray();
    }
}
