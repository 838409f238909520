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
 * CLIPTextEncodeSDXL ({@code comfy_extras/nodes_clip_sdxl.py}): {@code text_g} for CLIP-G,
 * {@code text_l} for CLIP-L, and the sizes SDXL's {@code y} vector embeds, stored in the conditioning.
 */
public final class CLIPTextEncodeSDXL implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("CLIPTextEncodeSDXL", "comfy_extras.nodes_clip_sdxl")
                .category("advanced/conditioning")
                .input(Input.of("clip", "CLIP"))
                .input(size("width", 1024))
                .input(size("height", 1024))
                .input(size("crop_w", 0))
                .input(size("crop_h", 0))
                .input(size("target_width", 1024))
                .input(size("target_height", 1024))
                .input(Input.string("text_g").multiline(true).option("dynamicPrompts", true))
                .input(Input.string("text_l").multiline(true).option("dynamicPrompts", true))
                .output(Output.of("CONDITIONING"))
                .build();
    }

    static Input size(String name, long defaultValue) {
        return Input.integer(name).defaultValue(defaultValue).min(0).max(16384);
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ClipHandle clip = CLIPTextEncode.requireClip(in.get("clip"));
        try (TensorScope ignored = TensorScope.open()) {
            ClipOutput out = clip.encodeSdxl(clip.sdxlTokenizer().tokenizePair(in.string("text_g"), in.string("text_l")));
            Map<String, Object> options = new LinkedHashMap<>();
            options.put(Conditioning.POOLED_OUTPUT, out.pooled().escapeScope());
            for (String name : new String[] {"width", "height", "crop_w", "crop_h", "target_width", "target_height"}) {
                options.put(name, in.integer(name));
            }
            return NodeResult.of(Conditioning.of(out.cond().escapeScope(), options));
        }
    }
}
