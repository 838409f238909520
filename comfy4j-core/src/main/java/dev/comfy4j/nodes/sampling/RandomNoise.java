package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/** RandomNoise: prepare_noise of the seed (with the latent's batch_index) when a sampler asks for it. */
public final class RandomNoise implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("RandomNoise", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/noise")
                .input(Input.of("noise_seed", "INT").defaultValue(0).min(0).max(KSampler.MAX_SEED).controlAfterGenerate())
                .output(Output.of("NOISE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(NoiseSource.random(in.bigInteger("noise_seed")));
    }
}
