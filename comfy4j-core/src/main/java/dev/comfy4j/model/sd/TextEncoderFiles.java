package dev.comfy4j.model.sd;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.clip.ClipTextModel;
import dev.comfy4j.model.clip.OpenClipTowerWeights;

/**
 * What a text-encoder file holds, as ComfyUI's {@code detect_te_model} tells it (after converting an open_clip
 * layout): a CLIP by its layer count (31+ layers CLIP-G, 23+ CLIP-H, else CLIP-L), or one of the other encoders
 * ComfyUI runs, recognised only to name it in an error.
 */
final class TextEncoderFiles {
    /** The encoders a file may hold; {@code prefix} is where a CLIP's weights are. */
    enum Kind {
        CLIP_L("CLIP-L"), CLIP_H("OpenCLIP ViT-H (SD2.x)"), CLIP_G("OpenCLIP ViT-bigG (CLIP-G)"), T5("T5"),
        LLM("a Llama/Gemma/Qwen language model"), UNKNOWN("no text encoder comfy4j or ComfyUI knows");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    record Detected(Kind kind, String prefix) {}

    /** CLIP-L prefixes comfy4j accepts: ComfyUI's ({@code text_model.}), and an SD1 checkpoint's (a comfy4j leniency). */
    private static final String[] CLIP_L_PREFIXES = {ClipTextModel.TEXT_ENCODER_PREFIX, ClipTextModel.CHECKPOINT_PREFIX};

    private TextEncoderFiles() {}

    static Detected detect(StateDict sd) {
        if (OpenClipTowerWeights.isOpenClipLayout(sd, "")) {
            if (sd.contains("transformer.resblocks.30.mlp.c_fc.weight")) return new Detected(Kind.CLIP_G, "");
            if (sd.contains("transformer.resblocks.22.mlp.c_fc.weight")) return new Detected(Kind.CLIP_H, "");
            return new Detected(Kind.UNKNOWN, "");
        }
        if (sd.contains("text_model.encoder.layers.30.mlp.fc1.weight")) return new Detected(Kind.CLIP_G, "");
        if (sd.contains("text_model.encoder.layers.22.mlp.fc1.weight")) return new Detected(Kind.CLIP_H, "");
        for (String prefix : CLIP_L_PREFIXES) {
            if (sd.contains(prefix + "encoder.layers.0.mlp.fc1.weight")) return new Detected(Kind.CLIP_L, prefix);
        }
        if (sd.contains("encoder.block.0.layer.0.SelfAttention.k.weight")) return new Detected(Kind.T5, "");
        if (sd.contains("model.layers.0.post_attention_layernorm.weight")) return new Detected(Kind.LLM, "");
        return new Detected(Kind.UNKNOWN, "");
    }
}
