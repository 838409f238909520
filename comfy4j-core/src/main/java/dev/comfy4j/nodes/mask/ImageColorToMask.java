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
 * ImageColorToMask: 1 where the pixel's 8-bit colour (rounded) equals the given 0xRRGGBB.
 */
public final class ImageColorToMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageColorToMask", "comfy_extras.nodes_mask")
                .category("mask")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.of("color", "INT").option("default", 0).option("min", 0).option("max", 16777215).option("step", 1).option("display", "color"))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long color = in.integer("color");
        return NodeResult.of(ImageSupport.compute(() -> {
            var q = image.clamp(0, 1.0).mul(255.0).round().to(DType.I64);
            var packed = q.select(3, 0).mul(65536).add(q.select(3, 1).mul(256)).add(q.select(3, 2));
            return packed.eq(color).to(DType.F32);
        }));
    }
}
