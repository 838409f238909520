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
 * MaskToImage: a mask as a grey RGB image (an expanded view).
 */
public final class MaskToImage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("MaskToImage", "comfy_extras.nodes_mask")
                .displayName("Convert Mask to Image")
                .category("mask")
                .input(Input.of("mask", "MASK").noOptions())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var mask = ImageSupport.tensor(in.get("mask"), "mask");
        return NodeResult.of(ImageSupport.compute(() ->
                mask.reshape(-1, 1, mask.size(-2), mask.size(-1)).permute(0, 2, 3, 1).expand(-1, -1, -1, 3)));
    }
}
