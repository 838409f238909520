package dev.comfy4j.nodes.vae;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.latent.Latent;

/** VAEEncode: an IMAGE batch (RGB, centre-cropped to multiples of 8) to latents. */
public final class VAEEncode implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("VAEEncode", "nodes")
                .displayName("VAE Encode")
                .category("latent")
                .input(Input.of("pixels", "IMAGE").noOptions())
                .input(Input.of("vae", "VAE").noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var pixels = VaeNodes.image(in.get("pixels"), "pixels");
        return NodeResult.of(Latent.of(VaeNodes.run(in.get("vae"), vae -> vae.encode(pixels))));
    }
}
