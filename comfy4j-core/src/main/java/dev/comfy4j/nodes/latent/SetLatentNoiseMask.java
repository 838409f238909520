package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;

/**
 * SetLatentNoiseMask: the mask, reshaped to [B,1,H,W], as the latent's noise_mask.
 */
public final class SetLatentNoiseMask implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SetLatentNoiseMask", "nodes")
                .displayName("Set Latent Noise Mask")
                .category("latent/inpaint")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.of("mask", "MASK").noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var latent = Latent.from(in.get("samples"), "samples");
        var mask = ImageSupport.tensor(in.get("mask"), "mask");
        latent = latent.withNoiseMask(ImageSupport.compute(() -> mask.reshape(-1, 1, mask.size(-2), mask.size(-1))));
        return NodeResult.of(latent);
    }
}
