package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/** DisableNoise: zero initial noise, seed 0. */
public final class DisableNoise implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("DisableNoise", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/noise")
                .output(Output.of("NOISE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(NoiseSource.none());
    }
}
