package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/** ConditioningCombine: the entries of both inputs in one list (the sampler mixes them per step). */
public final class ConditioningCombine implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningCombine", "nodes")
                .displayName("Conditioning (Combine)")
                .category("conditioning")
                .input(Input.of("conditioning_1", "CONDITIONING").noOptions())
                .input(Input.of("conditioning_2", "CONDITIONING").noOptions())
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning first = Conditioning.from(in.get("conditioning_1"), "conditioning_1");
        Conditioning second = Conditioning.from(in.get("conditioning_2"), "conditioning_2");
        return NodeResult.of(first.plus(second));
    }
}
