package dev.comfy4j.nodes.vae;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * VAEEncodeForInpaint: encodes the image with the masked area grey, and sets the latent's noise mask
 * to the mask grown by {@code grow_mask_by} pixels (a box filter, rounded) so the seams blend.
 */
public final class VAEEncodeForInpaint implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("VAEEncodeForInpaint", "nodes")
                .displayName("VAE Encode (for Inpainting)")
                .category("latent/inpaint")
                .input(Input.of("pixels", "IMAGE").noOptions())
                .input(Input.of("vae", "VAE").noOptions())
                .input(Input.of("mask", "MASK").noOptions())
                .input(Input.integer("grow_mask_by").defaultValue(6).min(0).max(64).step(1))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        Tensor image = VaeNodes.image(in.get("pixels"), "pixels");
        Tensor mask = VaeNodes.image(in.get("mask"), "mask");
        int grow = (int) in.integer("grow_mask_by");
        try (TensorScope scope = TensorScope.open()) {
            InpaintPixels prepared = InpaintPixels.prepare(image, mask);
            Tensor samples = VaeNodes.run(in.get("vae"), vae -> vae.encode(prepared.pixels()));
            Tensor noiseMask = grown(prepared.mask(), grow).round().escapeScope();
            return NodeResult.of(Latent.of(samples).withNoiseMask(noiseMask));
        }
    }

    /** The mask dilated by a {@code grow}x{@code grow} box, cut back to the mask's size. */
    static Tensor grown(Tensor mask, int grow) {
        if (grow == 0) return mask;
        Tensor kernel = Tensor.ones(mask.dtype(), 1, 1, grow, grow);
        long padding = grow / 2; // ComfyUI: ceil((grow - 1) / 2)
        Tensor summed = Functional.conv2d(mask.round(), kernel, null, 1, padding).clamp(0, 1);
        return summed.narrow(2, 0, mask.size(2)).narrow(3, 0, mask.size(3));
    }
}
