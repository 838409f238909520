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
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;

/** CLIPTextEncode: {@code [[cond, {"pooled_output": pooled}]]} of a prompt. */
public final class CLIPTextEncode implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CLIPTextEncode", "nodes")
                .displayName("CLIP Text Encode (Prompt)")
                .category("conditioning")
                .description("Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.")
                .input(Input.string("text").multiline(true).option("dynamicPrompts", true).tooltip("The text to be encoded."))
                .input(Input.of("clip", "CLIP").tooltip("The CLIP model used for encoding the text."))
                .output(Output.of("CONDITIONING").withTooltip("A conditioning containing the embedded text used to guide the diffusion model."))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        return NodeResult.of(encode(requireClip(in.get("clip")), in.string("text")));
    }

    /** The conditioning of {@code text}; its tensors leave every scope (the output cache owns them). */
    static Conditioning encode(ClipHandle clip, String text) throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            ClipOutput out = clip.encode(text);
            Map<String, Object> options = new LinkedHashMap<>();
            options.put(Conditioning.POOLED_OUTPUT, out.pooled().escapeScope());
            return Conditioning.of(out.cond().escapeScope(), options);
        }
    }

    static ClipHandle requireClip(Object value) {
        if (value instanceof ClipHandle c) return c;
        if (value == null) {
            throw new PyError("RuntimeError", "ERROR: clip input is invalid: None\n\nIf the clip is from a checkpoint loader node"
                    + " your checkpoint does not contain a valid clip or text encoder model.");
        }
        throw PyError.typeError("clip must be a CLIP, not " + value.getClass().getSimpleName());
    }
}
