package dev.comfy4j.nodes.mask;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.Tensor;

/**
 * GrowMask: repeated 3x3 grey dilation (expand > 0) or erosion (< 0), cross-shaped when tapered, edges reflected.
 */
public final class GrowMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("GrowMask", "comfy_extras.nodes_mask")
                .category("mask")
                .input(Input.of("mask", "MASK").noOptions())
                .input(Input.of("expand", "INT").option("default", 0).option("min", -16384).option("max", 16384).option("step", 1))
                .input(Input.of("tapered_corners", "BOOLEAN").option("default", true))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var mask = ImageSupport.tensor(in.get("mask"), "mask");
        long expand = in.integer("expand");
        boolean tapered = in.bool("tapered_corners");
        long h = mask.size(-2), w = mask.size(-1);
        float[] data;
        try (var flat = ImageSupport.compute(() -> mask.reshape(-1, h, w))) {
            data = flat.toFloatArray();
        }
        int plane = (int) (h * w);
        for (int b = 0; b < data.length / plane; b++) {
            float[] m = java.util.Arrays.copyOfRange(data, b * plane, (b + 1) * plane);
            for (long i = 0; i < Math.abs(expand); i++) m = MorphologyFilter.greyFilter(m, (int) h, (int) w, tapered, expand > 0);
            System.arraycopy(m, 0, data, b * plane, plane);
        }
        return NodeResult.of(Tensor.fromFloats(data, data.length / plane, h, w));
    }
}
