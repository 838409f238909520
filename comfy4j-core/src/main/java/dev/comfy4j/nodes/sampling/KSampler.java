package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.sampling.Samplers;
import dev.comfy4j.sampling.Schedulers;
import java.math.BigInteger;

/** KSampler: denoise a latent with a model, a sampler, a scheduler and CFG between two conditionings. */
public final class KSampler implements Node {
    static final BigInteger MAX_SEED = new BigInteger("18446744073709551615");

    private final SamplingModels models;
    private final SamplingPreviews previews;

    /** Without previews. */
    public KSampler(SamplingModels models) {
        this(models, SamplingPreviews.NONE);
    }

    public KSampler(SamplingModels models, SamplingPreviews previews) {
        this.models = models;
        this.previews = previews;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("KSampler", "nodes")
                .category("sampling")
                .description("Uses the provided model, positive and negative conditioning to denoise the latent image.")
                .input(Input.of("model", "MODEL").tooltip("The model used for denoising the input latent."))
                .input(Input.of("seed", "INT").defaultValue(0).min(0).max(MAX_SEED).controlAfterGenerate()
                        .tooltip("The random seed used for creating the noise."))
                .input(Input.of("steps", "INT").defaultValue(20).min(1).max(10000)
                        .tooltip("The number of steps used in the denoising process."))
                .input(Input.of("cfg", "FLOAT").defaultValue(8.0).min(0.0).max(100.0).step(0.1).round(0.01)
                        .tooltip("The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values"
                                + " result in images more closely matching the prompt however too high values will negatively impact"
                                + " quality."))
                .input(Input.combo("sampler_name", Samplers.NAMES.toArray())
                        .tooltip("The algorithm used when sampling, this can affect the quality, speed, and style of the generated"
                                + " output."))
                .input(Input.combo("scheduler", Schedulers.names().toArray())
                        .tooltip("The scheduler controls how noise is gradually removed to form the image."))
                .input(Input.of("positive", "CONDITIONING")
                        .tooltip("The conditioning describing the attributes you want to include in the image."))
                .input(Input.of("negative", "CONDITIONING")
                        .tooltip("The conditioning describing the attributes you want to exclude from the image."))
                .input(Input.of("latent_image", "LATENT").tooltip("The latent image to denoise."))
                .input(Input.of("denoise", "FLOAT").defaultValue(1.0).min(0.0).max(1.0).step(0.01)
                        .tooltip("The amount of denoising applied, lower values will maintain the structure of the initial image"
                                + " allowing for image to image sampling."))
                .output(Output.of("LATENT").withTooltip("The denoised latent."))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var settings = new CommonKSampler.Settings(in.bigInteger("seed"), (int) in.integer("steps"), in.floating("cfg"),
                in.string("sampler_name"), in.string("scheduler"), in.floating("denoise"), false, null, null, false);
        return NodeResult.of(CommonKSampler.run(models, previews, in.get("model"), Conditioning.from(in.get("positive"), "positive"),
                Conditioning.from(in.get("negative"), "negative"), Latent.from(in.get("latent_image"), "latent_image"),
                settings, context));
    }
}
