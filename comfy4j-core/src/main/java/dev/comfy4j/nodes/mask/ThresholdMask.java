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

/**
 * ThresholdMask: 1 where mask > value (strict), else 0.
 */
public final class ThresholdMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ThresholdMask", "comfy_extras.nodes_mask")
                .category("mask")
                .input(Input.of("mask", "MASK").noOptions())
                .input(Input.of("value", "FLOAT").option("default", 0.5).option("min", 0.0).option("max", 1.0).option("step", 0.01))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var mask = ImageSupport.tensor(in.get("mask"), "mask");
        double v = in.floating("value");
        return NodeResult.of(ImageSupport.compute(() -> mask.gt(v).to(DType.F32)));
    }
}
