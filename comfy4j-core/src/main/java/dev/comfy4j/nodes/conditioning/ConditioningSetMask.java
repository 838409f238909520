package dev.comfy4j.nodes.conditioning;

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
 * ConditioningSetMask: limits every entry to a mask. A mask with fewer than 3 dimensions gets a
 * leading batch dimension; "mask bounds" makes the sampler use the mask's bounding box as the area.
 */
public final class ConditioningSetMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningSetMask", "nodes")
                .displayName("Conditioning (Set Mask)")
                .category("conditioning")
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                .input(Input.of("mask", "MASK").noOptions())
                .input(Input.floating("strength").defaultValue(1.0).min(0.0).max(10.0).step(0.01))
                .input(Input.combo("set_cond_area", "default", "mask bounds").noOptions())
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning c = Conditioning.from(in.get("conditioning"), "conditioning");
        Tensor given = ImageSupport.tensor(in.get("mask"), "mask");
        // The input itself when already 3-D (ComfyUI stores the same tensor, no copy).
        Tensor mask = given.dim() < 3 ? ImageSupport.compute(() -> given.unsqueeze(0)) : given;
        boolean toBounds = !"default".equals(in.string("set_cond_area"));
        return NodeResult.of(c.withValues(Options.of(
                Conditioning.MASK, mask,
                Conditioning.SET_AREA_TO_BOUNDS, toBounds,
                Conditioning.MASK_STRENGTH, in.floating("strength"))));
    }
}
