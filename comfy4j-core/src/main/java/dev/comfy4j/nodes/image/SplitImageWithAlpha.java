package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;

/**
 * SplitImageWithAlpha: RGB, and 1 - alpha as the mask (alpha 1 when absent).
 */
public final class SplitImageWithAlpha implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("SplitImageWithAlpha", "comfy_extras.nodes_compositing")
                .displayName("Split Image with Alpha")
                .category("mask/compositing")
                .input(Input.of("image", "IMAGE"))
                .output(Output.of("IMAGE"))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        Tensor rgb = ImageSupport.compute(() -> image.narrow(3, 0, 3));
        Tensor mask = ImageSupport.compute(() -> image.size(3) > 3 ? image.select(3, 3).rsub(1.0)
                : Tensor.ones(image.dtype(), image.size(0), image.size(1), image.size(2)).rsub(1.0));
        return NodeResult.of(rgb, mask);
    }
}
