package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;

/**
 * ImageInvert: 1 - image on every channel.
 */
public final class ImageInvert implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageInvert", "nodes")
                .displayName("Invert Image")
                .category("image")
                .input(Input.of("image", "IMAGE").noOptions())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        return NodeResult.of(ImageSupport.compute(() -> image.rsub(1.0)));
    }
}
