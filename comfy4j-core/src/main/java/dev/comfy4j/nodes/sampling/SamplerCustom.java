package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;
import java.math.BigInteger;

/**
 * SamplerCustom: KSampler with a SAMPLER and SIGMAS of the user's choice; the second output is the
 * last step's denoised prediction. The noise seed seeds the step noise even when add_noise is off.
 */
public final class SamplerCustom implements Node {
    private final SamplingModels models;
    private final SamplingPreviews previews;

    public SamplerCustom(SamplingModels models) {
        this(models, SamplingPreviews.NONE);
    }

    public SamplerCustom(SamplingModels models, SamplingPreviews previews) {
        this.models = models;
        this.previews = previews;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SamplerCustom", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.of("add_noise", "BOOLEAN").defaultValue(true))
                .input(Input.of("noise_seed", "INT").defaultValue(0).min(0).max(KSampler.MAX_SEED).controlAfterGenerate())
                .input(Input.of("cfg", "FLOAT").defaultValue(8.0).min(0.0).max(100.0).step(0.1).round(0.01))
                .input(Input.of("positive", "CONDITIONING").noOptions())
                .input(Input.of("negative", "CONDITIONING").noOptions())
                .input(Input.of("sampler", "SAMPLER").noOptions())
                .input(Input.of("sigmas", "SIGMAS").noOptions())
                .input(Input.of("latent_image", "LATENT").noOptions())
                .output(Output.of("LATENT").named("output"))
                .output(Output.of("LATENT").named("denoised_output"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        BigInteger seed = in.bigInteger("noise_seed");
        NoiseSource noise = in.bool("add_noise") ? NoiseSource.random(seed) : NoiseSource.none();
        Guider guider = Guider.cfg(in.get("model"), Conditioning.from(in.get("positive"), "positive"),
                Conditioning.from(in.get("negative"), "negative"), in.floating("cfg"));
        return SamplingRun.runInputs(models, previews, guider, noise, seed.longValue(), in, context);
    }
}
