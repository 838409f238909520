package dev.comfy4j.nodes.loaders;

import dev.comfy4j.model.sd.Checkpoints;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;

/** CheckpointLoaderSimple: the MODEL, CLIP and VAE of a file in {@code models/checkpoints}. */
public final class CheckpointLoaderSimple implements Node {
    private final NodeServices services;

    public CheckpointLoaderSimple(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CheckpointLoaderSimple", "nodes")
                .displayName("Load Checkpoint")
                .category("loaders")
                .description("Loads a diffusion model checkpoint, diffusion models are used to denoise latents.")
                .input(ModelFileInputs.combo(services.folders(), "ckpt_name", "checkpoints")
                        .tooltip("The name of the checkpoint (model) to load."))
                .output(Output.of("MODEL").withTooltip("The model used for denoising latents."))
                .output(Output.of("CLIP").withTooltip("The CLIP model used for encoding text prompts."))
                .output(Output.of("VAE").withTooltip("The VAE model used for encoding and decoding images to and from latent space."))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var file = ModelFileInputs.require(services.folders(), "checkpoints", in.string("ckpt_name"));
        Checkpoints.Components c = services.checkpoints().checkpoint(file);
        return NodeResult.of(c.model(), c.clip(), c.vae());
    }
}
