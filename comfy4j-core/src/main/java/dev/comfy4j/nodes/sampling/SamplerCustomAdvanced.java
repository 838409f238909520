package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/** SamplerCustomAdvanced: a GUIDER, NOISE, SAMPLER and SIGMAS; the step noise is seeded with the NOISE's seed. */
public final class SamplerCustomAdvanced implements Node {
    private final SamplingModels models;
    private final SamplingPreviews previews;

    public SamplerCustomAdvanced(SamplingModels models) {
        this(models, SamplingPreviews.NONE);
    }

    public SamplerCustomAdvanced(SamplingModels models, SamplingPreviews previews) {
        this.models = models;
        this.previews = previews;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SamplerCustomAdvanced", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling")
                .input(Input.of("noise", "NOISE").noOptions())
                .input(Input.of("guider", "GUIDER").noOptions())
                .input(Input.of("sampler", "SAMPLER").noOptions())
                .input(Input.of("sigmas", "SIGMAS").noOptions())
                .input(Input.of("latent_image", "LATENT").noOptions())
                .output(Output.of("LATENT").named("output"))
                .output(Output.of("LATENT").named("denoised_output"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        NoiseSource noise = NoiseSource.from(in.get("noise"), "noise");
        Guider guider = Guider.from(in.get("guider"), "guider");
        return SamplingRun.runInputs(models, previews, guider, noise, noise.seedBits(), in, context);
    }
}
