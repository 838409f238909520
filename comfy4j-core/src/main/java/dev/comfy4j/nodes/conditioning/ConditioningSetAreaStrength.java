package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import java.util.Map;

/** ConditioningSetAreaStrength: sets {@code strength} on every entry, leaving any area as it is. */
public final class ConditioningSetAreaStrength implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningSetAreaStrength", "nodes")
                .category("conditioning")
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                .input(Input.floating("strength").defaultValue(1.0).min(0.0).max(10.0).step(0.01))
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning c = Conditioning.from(in.get("conditioning"), "conditioning");
        return NodeResult.of(c.withValues(Map.of(Conditioning.STRENGTH, in.floating("strength"))));
    }
}
