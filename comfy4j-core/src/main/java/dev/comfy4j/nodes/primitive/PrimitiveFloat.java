package dev.comfy4j.nodes.primitive;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;

/** A constant float; ComfyUI declares its bounds as ints, so object_info shows them without ".0". */
public final class PrimitiveFloat implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PrimitiveFloat", "comfy_extras.nodes_primitive")
                .displayName("Float").category("utils/primitive")
                .input(Input.floating("value").min(-9223372036854775807L).max(9223372036854775807L))
                .output("FLOAT")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs inputs, NodeContext context) {
        return NodeResult.of(inputs.get("value"));
    }
}
