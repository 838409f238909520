package dev.comfy4j.nodes.primitive;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;

/** A constant boolean. */
public final class PrimitiveBoolean implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PrimitiveBoolean", "comfy_extras.nodes_primitive")
                .displayName("Boolean").category("utils/primitive")
                .input(Input.bool("value"))
                .output("BOOLEAN")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs inputs, NodeContext context) {
        return NodeResult.of(inputs.get("value"));
    }
}
