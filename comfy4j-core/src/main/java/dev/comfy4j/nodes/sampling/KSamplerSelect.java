package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.sampling.Samplers;

/** KSamplerSelect: one of KSampler's samplers with its default options. */
public final class KSamplerSelect implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("KSamplerSelect", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/samplers")
                .input(Input.combo("sampler_name", Samplers.NAMES.toArray()).noOptions())
                .output(Output.of("SAMPLER"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(new SamplerChoice(Samplers.byName(in.string("sampler_name"))));
    }
}
