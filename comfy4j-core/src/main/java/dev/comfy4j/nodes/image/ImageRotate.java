package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * ImageRotate: rot90 clockwise by the chosen angle.
 */
public final class ImageRotate implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageRotate", "comfy_extras.nodes_images")
                .category("image/transform")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.combo("rotation", "none", "90 degrees", "180 degrees", "270 degrees").noOptions())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        int k = switch (in.string("rotation")) {
            case "90 degrees" -> 1;
            case "180 degrees" -> 2;
            case "270 degrees" -> 3;
            default -> 0;
        };
        if (k == 0) return NodeResult.of(image);
        return NodeResult.of(ImageSupport.compute(() -> image.rot90(k, 2, 1)));
    }
}
