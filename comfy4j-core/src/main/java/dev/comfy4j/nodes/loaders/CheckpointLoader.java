package dev.comfy4j.nodes.loaders;

import dev.comfy4j.model.sd.Checkpoints;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;

/**
 * CheckpointLoader (deprecated in ComfyUI): a checkpoint with an LDM config file of
 * {@code models/configs}. The config must exist; the architecture comes from the weights, as it does
 * for ComfyUI's own loader for every config it ships (see docs/compatibility.md).
 */
public final class CheckpointLoader implements Node {
    private final NodeServices services;

    public CheckpointLoader(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CheckpointLoader", "nodes")
                .displayName("Load Checkpoint With Config (DEPRECATED)")
                .category("advanced/loaders")
                .deprecated()
                .input(ModelFileInputs.combo(services.folders(), "config_name", "configs").noOptions())
                .input(ModelFileInputs.combo(services.folders(), "ckpt_name", "checkpoints").noOptions())
                .output(Output.of("MODEL"))
                .output(Output.of("CLIP"))
                .output(Output.of("VAE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ModelFileInputs.require(services.folders(), "configs", in.string("config_name"));
        var file = ModelFileInputs.require(services.folders(), "checkpoints", in.string("ckpt_name"));
        Checkpoints.Components c = services.checkpoints().checkpoint(file);
        return NodeResult.of(c.model(), c.clip(), c.vae());
    }
}
