package dev.comfy4j.nodes.primitive;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;

/** A constant string: passes its widget value through. */
public final class PrimitiveString implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PrimitiveString", "comfy_extras.nodes_primitive")
                .displayName("String").category("utils/primitive")
                .input(Input.string("value"))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs inputs, NodeContext context) {
        return NodeResult.of(inputs.get("value"));
    }
}
