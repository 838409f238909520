package dev.comfy4j.nodes.mask;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;

/**
 * SolidMask: a [1,H,W] mask of one value.
 */
public final class SolidMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SolidMask", "comfy_extras.nodes_mask")
                .category("mask")
                .input(Input.of("value", "FLOAT").option("default", 1.0).option("min", 0.0).option("max", 1.0).option("step", 0.01))
                .input(Input.of("width", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .input(Input.of("height", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        double v = in.floating("value");
        long w = in.integer("width"), h = in.integer("height");
        return NodeResult.of(ImageSupport.compute(() -> Tensor.full(v, DType.F32, 1, h, w)));
    }
}
