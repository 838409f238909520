package dev.comfy4j.nodes.primitive;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;

/** A constant multi-line string. */
public final class PrimitiveStringMultiline implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PrimitiveStringMultiline", "comfy_extras.nodes_primitive")
                .displayName("String (Multiline)").category("utils/primitive")
                .input(Input.string("value").multiline(true))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs inputs, NodeContext context) {
        return NodeResult.of(inputs.get("value"));
    }
}
