package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.nodes.vae.InpaintEncoding;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * InpaintModelConditioning: for inpainting models, both conditionings get the encoded image with the
 * masked area grey ({@code concat_latent_image}) and the mask ({@code concat_mask}); the latent is
 * the encoded original image, with the mask as its noise mask when {@code noise_mask} is set.
 */
public final class InpaintModelConditioning implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("InpaintModelConditioning", "nodes")
                .category("conditioning/inpaint")
                .input(Input.of("positive", "CONDITIONING").noOptions())
                .input(Input.of("negative", "CONDITIONING").noOptions())
                .input(Input.of("vae", "VAE").noOptions())
                .input(Input.of("pixels", "IMAGE").noOptions())
                .input(Input.of("mask", "MASK").noOptions())
                .input(Input.bool("noise_mask").defaultValue(true).tooltip("Add a noise mask to the latent so sampling will only"
                        + " happen within the mask. Might improve results or completely break things depending on the model."))
                .output(Output.of("CONDITIONING").named("positive"))
                .output(Output.of("CONDITIONING").named("negative"))
                .output(Output.of("LATENT").named("latent"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        InpaintEncoding enc = InpaintEncoding.encode(in.get("vae"), in.get("pixels"), in.get("mask"));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("concat_latent_image", enc.maskedLatent());
        values.put("concat_mask", enc.mask());
        Conditioning positive = Conditioning.from(in.get("positive"), "positive").withValues(values);
        Conditioning negative = Conditioning.from(in.get("negative"), "negative").withValues(values);
        Latent latent = Latent.of(enc.originalLatent());
        if (in.bool("noise_mask")) latent = latent.withNoiseMask(enc.mask());
        return NodeResult.of(positive, negative, latent);
    }
}
