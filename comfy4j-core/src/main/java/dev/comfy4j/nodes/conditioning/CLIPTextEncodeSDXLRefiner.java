package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.model.clip.ClipOutput;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CLIPTextEncodeSDXLRefiner ({@code comfy_extras/nodes_clip_sdxl.py}): the prompt as CLIPTextEncode
 * encodes it, with the aesthetic score and size the refiner's {@code y} vector embeds.
 */
public final class CLIPTextEncodeSDXLRefiner implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("CLIPTextEncodeSDXLRefiner", "comfy_extras.nodes_clip_sdxl")
                .category("advanced/conditioning")
                .input(Input.floating("ascore").defaultValue(6.0).min(0.0).max(1000.0).step(0.01))
                .input(CLIPTextEncodeSDXL.size("width", 1024))
                .input(CLIPTextEncodeSDXL.size("height", 1024))
                .input(Input.string("text").multiline(true).option("dynamicPrompts", true))
                .input(Input.of("clip", "CLIP"))
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ClipHandle clip = CLIPTextEncode.requireClip(in.get("clip"));
        try (TensorScope ignored = TensorScope.open()) {
            ClipOutput out = clip.encode(in.string("text"));
            Map<String, Object> options = new LinkedHashMap<>();
            options.put(Conditioning.POOLED_OUTPUT, out.pooled().escapeScope());
            options.put("aesthetic_score", in.floating("ascore"));
            options.put("width", in.integer("width"));
            options.put("height", in.integer("height"));
            return NodeResult.of(Conditioning.of(out.cond().escapeScope(), options));
        }
    }
}
