package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.KSamplerPipeline;
import dev.comfy4j.sampling.Sampler;
import dev.comfy4j.sampling.SamplingContext;
import dev.comfy4j.sampling.StepListener;
import dev.comfy4j.sampling.preview.LatentPreviewer;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.DefaultGenerator;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.function.BiFunction;

/**
 * One custom-sampling run (SamplerCustom, SamplerCustomAdvanced): the KSampler pipeline
 * ({@link KSamplerPipeline}: latent in model space, noise scaling, noise mask, scale back) with given
 * sigmas, sampler and guided denoiser; progress (with a latent preview) after every step against
 * len(sigmas) - 1; and the
 * last step's denoised prediction as {@code denoised_output} (ComfyUI's {@code x0_output}).
 */
final class SamplingRun {
    private SamplingRun() {}

    /** The two LATENT outputs. */
    record Result(Latent output, Latent denoisedOutput) {}

    /**
     * What both custom-sampling nodes do with their {@code sampler}, {@code sigmas} and
     * {@code latent_image} inputs, given their guider and noise: the run, as the node's two outputs.
     */
    static NodeResult runInputs(SamplingModels models, SamplingPreviews previews, Guider guider, NoiseSource noise, long seed, NodeInputs in,
            NodeContext context) throws Exception {
        Result r = run(models, previews, guider.model(), guider::denoiser, SamplerChoice.from(in.get("sampler"), "sampler").sampler(),
                Sigmas.from(in.get("sigmas"), "sigmas").values(), Latent.from(in.get("latent_image"), "latent_image"), noise,
                seed, context);
        return NodeResult.of(r.output(), r.denoisedOutput());
    }

    private static Result run(SamplingModels models, SamplingPreviews previews, Object model,
            BiFunction<GuidedModel, long[], Denoiser> guidance, Sampler sampler, float[] sigmas, Latent latent, NoiseSource noise,
            long seed, NodeContext context) throws Exception {
        Tensor samples = latent.samples();
        try (GuidedModel guided = models.open(model); TensorScope scope = TensorScope.open();
                DefaultGenerator torchDefault = DefaultGenerator.seeded(seed)) {
            if (sigmas.length == 0) return new Result(latent, latent); // CFGGuider.sample returns the latent
            // RandomNoise seeds torch's default generator and draws from it; ToMe's draws continue it during sampling
            Tensor initialNoise = noise.generate(latent, torchDefault.generator());
            Tensor[] lastDenoised = {null};
            int total = sigmas.length - 1;
            Tensor out;
            Tensor x0 = null;
            try (LatentPreviewer previewer = previews.open(guided.latentFormat())) {
                StepListener report = CommonKSampler.progress(context, previewer, previews.maxSize());
                try (SamplingContext run = new SamplingContext(seed, (step, steps, x, denoised) -> {
                    if (lastDenoised[0] != null) lastDenoised[0].close();
                    lastDenoised[0] = denoised.clone().escapeScope(); // outlives the step; closed below
                    report.onStep(Math.min(step, total - 1), total, x, denoised);
                }, context::checkInterrupt)) {
                    out = torchDefault.during(() -> KSamplerPipeline.sample(guidance.apply(guided, samples.shape()),
                            guided.modelSampling(), sampler, sigmas, samples.to(DType.F32), initialNoise, latent.noiseMask(),
                            guided.latentScaleFactor(), run, guided.maskSchedule()));
                    if (lastDenoised[0] != null) x0 = lastDenoised[0].div(guided.latentScaleFactor());
                }
            } finally {
                if (lastDenoised[0] != null) lastDenoised[0].close();
            }
            // the output cache owns the results, as with the KSampler nodes
            Latent output = latent.withSamples(scope.keep(out).escapeScope());
            Latent denoised = x0 == null ? output : latent.withSamples(scope.keep(x0).escapeScope());
            return new Result(output, denoised);
        }
    }
}
