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

/**
 * KSamplerAdvanced: KSampler over a window of the schedule (start_at_step .. end_at_step), optionally
 * without adding noise and leaving the leftover noise in the result.
 */
public final class KSamplerAdvanced implements Node {
    private final SamplingModels models;
    private final SamplingPreviews previews;

    /** Without previews. */
    public KSamplerAdvanced(SamplingModels models) {
        this(models, SamplingPreviews.NONE);
    }

    public KSamplerAdvanced(SamplingModels models, SamplingPreviews previews) {
        this.models = models;
        this.previews = previews;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("KSamplerAdvanced", "nodes")
                .displayName("KSampler (Advanced)")
                .category("sampling")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.combo("add_noise", "enable", "disable").noOptions())
                .input(Input.of("noise_seed", "INT").defaultValue(0).min(0).max(KSampler.MAX_SEED).controlAfterGenerate())
                .input(Input.of("steps", "INT").defaultValue(20).min(1).max(10000))
                .input(Input.of("cfg", "FLOAT").defaultValue(8.0).min(0.0).max(100.0).step(0.1).round(0.01))
                .input(Input.combo("sampler_name", Samplers.NAMES.toArray()).noOptions())
                .input(Input.combo("scheduler", Schedulers.names().toArray()).noOptions())
                .input(Input.of("positive", "CONDITIONING").noOptions())
                .input(Input.of("negative", "CONDITIONING").noOptions())
                .input(Input.of("latent_image", "LATENT").noOptions())
                .input(Input.of("start_at_step", "INT").defaultValue(0).min(0).max(10000))
                .input(Input.of("end_at_step", "INT").defaultValue(10000).min(0).max(10000))
                .input(Input.combo("return_with_leftover_noise", "disable", "enable").noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var settings = new CommonKSampler.Settings(in.bigInteger("noise_seed"), (int) in.integer("steps"), in.floating("cfg"),
                in.string("sampler_name"), in.string("scheduler"), 1.0, "disable".equals(in.string("add_noise")),
                (int) in.integer("start_at_step"), (int) in.integer("end_at_step"),
                !"enable".equals(in.string("return_with_leftover_noise")));
        return NodeResult.of(CommonKSampler.run(models, previews, in.get("model"), Conditioning.from(in.get("positive"), "positive"),
                Conditioning.from(in.get("negative"), "negative"), Latent.from(in.get("latent_image"), "latent_image"),
                settings, context));
    }
}
