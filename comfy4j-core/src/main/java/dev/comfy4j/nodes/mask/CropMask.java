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
 * CropMask: a window of the mask (Python slice clamping).
 */
public final class CropMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CropMask", "comfy_extras.nodes_mask")
                .category("mask")
                .input(Input.of("mask", "MASK").noOptions())
                .input(Input.of("x", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("y", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("width", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .input(Input.of("height", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var mask = ImageSupport.tensor(in.get("mask"), "mask");
        long x = in.integer("x"), y = in.integer("y"), w = in.integer("width"), h = in.integer("height");
        return NodeResult.of(ImageSupport.compute(() ->
                mask.reshape(-1, mask.size(-2), mask.size(-1)).slice(1, y, y + h, 1).slice(2, x, x + w, 1)));
    }
}
