package dev.comfy4j.nodes.mask;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;

/**
 * InvertMask: 1 - mask.
 */
public final class InvertMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("InvertMask", "comfy_extras.nodes_mask")
                .category("mask")
                .input(Input.of("mask", "MASK").noOptions())
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var mask = ImageSupport.tensor(in.get("mask"), "mask");
        return NodeResult.of(ImageSupport.compute(() -> mask.rsub(1.0)));
    }
}
