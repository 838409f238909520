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
 * ImageCompositeMasked: source pasted into destination at (x, y) through an optional mask.
 */
public final class ImageCompositeMasked implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageCompositeMasked", "comfy_extras.nodes_mask")
                .category("image")
                .input(Input.of("destination", "IMAGE").noOptions())
                .input(Input.of("source", "IMAGE").noOptions())
                .input(Input.of("x", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("y", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("resize_source", "BOOLEAN").option("default", false))
                .input(Input.of("mask", "MASK").noOptions().optional())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var destination = ImageSupport.tensor(in.get("destination"), "destination");
        var source = ImageSupport.tensor(in.get("source"), "source");
        var mask = in.has("mask") && in.get("mask") != null ? ImageSupport.tensor(in.get("mask"), "mask") : null;
        return NodeResult.of(ImageSupport.compute(() -> {
            Tensor[] fixed = Composite.alphaFix(destination, source);
            Tensor dest = fixed[0].clone().permute(0, 3, 1, 2);
            return Composite.paste(dest, fixed[1].permute(0, 3, 1, 2), in.integer("x"), in.integer("y"), mask, 1,
                    in.bool("resize_source")).permute(0, 2, 3, 1);
        }));
    }
}
