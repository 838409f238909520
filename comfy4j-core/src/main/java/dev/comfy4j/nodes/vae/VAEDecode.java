package dev.comfy4j.nodes.vae;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.latent.Latent;

/** VAEDecode: latents to an IMAGE batch, split into sub-batches by free memory, tiled when it runs short. */
public final class VAEDecode implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("VAEDecode", "nodes")
                .displayName("VAE Decode")
                .category("latent")
                .description("Decodes latent images back into pixel space images.")
                .input(Input.of("samples", "LATENT").tooltip("The latent to be decoded."))
                .input(Input.of("vae", "VAE").tooltip("The VAE model used for decoding the latent."))
                .output(Output.of("IMAGE").withTooltip("The decoded image."))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var samples = Latent.from(in.get("samples"), "samples").samples();
        if (samples.dim() == 4) VaeNodes.makeRoomForDecode(in.get("vae"), samples.size(2) * samples.size(3) * 64);
        return NodeResult.of(VaeNodes.run(in.get("vae"), vae -> vae.decode(samples)));
    }
}
