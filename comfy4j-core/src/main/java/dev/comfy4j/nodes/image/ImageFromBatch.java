package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * ImageFromBatch: a clamped slice of the batch.
 */
public final class ImageFromBatch implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageFromBatch", "comfy_extras.nodes_images")
                .category("image/batch")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.of("batch_index", "INT").option("default", 0).option("min", 0).option("max", 4095))
                .input(Input.of("length", "INT").option("default", 1).option("min", 1).option("max", 4096))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long b = image.size(0);
        long index = Math.min(b - 1, in.integer("batch_index"));
        long length = Math.min(b - index, in.integer("length"));
        return NodeResult.of(ImageSupport.compute(() -> image.slice(0, index, index + length, 1).clone()));
    }
}
