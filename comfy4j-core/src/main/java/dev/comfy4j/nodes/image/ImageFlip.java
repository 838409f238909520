package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * ImageFlip: flip rows (x-axis) or columns (y-axis).
 */
public final class ImageFlip implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageFlip", "comfy_extras.nodes_images")
                .category("image/transform")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.combo("flip_method", "x-axis: vertically", "y-axis: horizontally").noOptions())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        String m = in.string("flip_method");
        if (m.startsWith("x")) return NodeResult.of(ImageSupport.compute(() -> image.flip(1)));
        if (m.startsWith("y")) return NodeResult.of(ImageSupport.compute(() -> image.flip(2)));
        return NodeResult.of(image);
    }
}
