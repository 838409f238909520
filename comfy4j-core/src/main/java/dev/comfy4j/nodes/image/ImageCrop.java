package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * ImageCrop: a width x height window at (x, y), the corner clamped inside the image.
 */
public final class ImageCrop implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageCrop", "comfy_extras.nodes_images")
                .displayName("Image Crop")
                .category("image/transform")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.of("width", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .input(Input.of("height", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .input(Input.of("x", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("y", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long x = Math.min(in.integer("x"), image.size(2) - 1), y = Math.min(in.integer("y"), image.size(1) - 1);
        long toX = in.integer("width") + x, toY = in.integer("height") + y;
        return NodeResult.of(ImageSupport.compute(() -> image.slice(1, y, toY, 1).slice(2, x, toX, 1)));
    }
}
