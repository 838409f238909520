package dev.comfy4j.nodes.primitive;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;

/** A constant integer (64-bit bounds; the validator keeps values exact). */
public final class PrimitiveInt implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PrimitiveInt", "comfy_extras.nodes_primitive")
                .displayName("Int").category("utils/primitive")
                .input(Input.integer("value").min(-9223372036854775807L).max(9223372036854775807L).controlAfterGenerate())
                .output("INT")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs inputs, NodeContext context) {
        return NodeResult.of(inputs.get("value"));
    }
}
