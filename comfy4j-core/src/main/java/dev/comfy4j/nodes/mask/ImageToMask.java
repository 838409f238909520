package dev.comfy4j.nodes.mask;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.python.PyError;

/**
 * ImageToMask: one channel of the image.
 */
public final class ImageToMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageToMask", "comfy_extras.nodes_mask")
                .displayName("Convert Image to Mask")
                .category("mask")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.combo("channel", "red", "green", "blue", "alpha").noOptions())
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        int c = java.util.List.of("red", "green", "blue", "alpha").indexOf(in.string("channel"));
        if (c >= image.size(3)) {
            throw new PyError("IndexError", "index " + c + " is out of bounds for dimension 3 with size " + image.size(3));
        }
        return NodeResult.of(ImageSupport.compute(() -> image.select(3, c)));
    }
}
