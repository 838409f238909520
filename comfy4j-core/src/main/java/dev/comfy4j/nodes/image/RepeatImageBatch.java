package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * RepeatImageBatch: the batch tiled amount times.
 */
public final class RepeatImageBatch implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("RepeatImageBatch", "comfy_extras.nodes_images")
                .category("image/batch")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.of("amount", "INT").option("default", 1).option("min", 1).option("max", 4096))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long amount = in.integer("amount");
        return NodeResult.of(ImageSupport.compute(() -> image.repeat(amount, 1, 1, 1)));
    }
}
