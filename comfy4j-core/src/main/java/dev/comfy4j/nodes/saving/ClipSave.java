package dev.comfy4j.nodes.saving;

import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.SavedWeights;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLIPSave: each text encoder of the CLIP in its own file, named after the encoder
 * ({@code clip/ComfyUI_clip_l_00001_.safetensors} for SD1's CLIP-L), keys without the encoder and
 * {@code transformer.} prefixes ({@code text_model.*}), the patched weights in fp16, metadata
 * {@code format: pt} plus the prompt unless {@code --disable-metadata}.
 */
public final class ClipSave implements Node {
    private final NodeServices services;

    public ClipSave(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CLIPSave", "comfy_extras.nodes_model_merging")
                .category("advanced/model_merging")
                .input(Input.of("clip", "CLIP").noOptions())
                .input(Input.of("filename_prefix", "STRING").option("default", "clip/ComfyUI"))
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ClipHandle clip = in.as("clip", ClipHandle.class);
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!context.config().disableMetadata()) {
            metadata.put("format", "pt");
            SavedFiles.addPrompt(metadata, context);
        }
        // ComfyUI names the state dict of SD1's only encoder clip_l.*, so the file is <prefix>_clip_l.
        SavedWeights weights = SavedWeights.clip(clip, "text_model.");
        OutputNaming.Target target;
        try {
            target = SavedFiles.target(services.output(), in.string("filename_prefix") + "_clip_l");
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
        SavedFiles.write(SavedFiles.file(target), List.of(weights), metadata);
        return NodeResult.nothing();
    }
}
