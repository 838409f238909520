package dev.comfy4j.nodes.saving;

import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.model.sd.SavedWeights;
import dev.comfy4j.model.sd.VaeHandle;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import java.util.List;

/**
 * VAESave: the VAE's weights under ComfyUI's LDM key names without prefix
 * ({@code vae/ComfyUI_vae_00001_.safetensors}), the prompt in the metadata unless {@code --disable-metadata}.
 */
public final class VaeSave implements Node {
    private final NodeServices services;

    public VaeSave(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("VAESave", "comfy_extras.nodes_model_merging")
                .category("advanced/model_merging")
                .input(Input.of("vae", "VAE").noOptions())
                .input(Input.of("filename_prefix", "STRING").option("default", "vae/ComfyUI_vae"))
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        VaeHandle vae = in.as("vae", VaeHandle.class);
        OutputNaming.Target target = SavedFiles.target(services.output(), in.string("filename_prefix"));
        SavedFiles.write(SavedFiles.file(target), List.of(SavedWeights.vae(vae, "")), SavedFiles.promptMetadata(context));
        return NodeResult.nothing();
    }
}
