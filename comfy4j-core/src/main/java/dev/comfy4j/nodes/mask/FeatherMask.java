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
 * FeatherMask: edge rows and columns scaled by (i+1)/n; right and bottom start at index 0 (-0), as ComfyUI does.
 */
public final class FeatherMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("FeatherMask", "comfy_extras.nodes_mask")
                .category("mask")
                .input(Input.of("mask", "MASK").noOptions())
                .input(Input.of("left", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("top", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("right", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("bottom", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var mask = ImageSupport.tensor(in.get("mask"), "mask");
        return NodeResult.of(ImageSupport.compute(() -> {
            var out = mask.reshape(-1, mask.size(-2), mask.size(-1)).clone();
            long w = out.size(-1), h = out.size(-2);
            long left = Math.min(in.integer("left"), w), right = Math.min(in.integer("right"), w);
            long top = Math.min(in.integer("top"), h), bottom = Math.min(in.integer("bottom"), h);
            for (long x = 0; x < left; x++) out.select(2, x).mul_((x + 1.0) / left);
            for (long x = 0; x < right; x++) out.select(2, x == 0 ? 0 : w - x).mul_((x + 1.0) / right);
            for (long y = 0; y < top; y++) out.select(1, y).mul_((y + 1.0) / top);
            for (long y = 0; y < bottom; y++) out.select(1, y == 0 ? 0 : h - y).mul_((y + 1.0) / bottom);
            return out;
        }));
    }
}
