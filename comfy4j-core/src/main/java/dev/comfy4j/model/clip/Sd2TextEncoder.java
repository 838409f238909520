package dev.comfy4j.model.clip;

import dev.comfy4j.model.StateDict;
import java.util.List;
import java.util.Set;

/**
 * SD2.x's text encoder, OpenCLIP ViT-H/14 (ComfyUI's {@code sd2_clip.SD2ClipModel} with
 * {@code SD2Tokenizer}): where a checkpoint keeps it, how it is recognised, and how it is built.
 * Checkpoints keep the tower in the open_clip layout ({@code token_embedding}, {@code positional_embedding},
 * {@code transformer.resblocks.N} with a fused {@code attn.in_proj_weight}, {@code ln_final},
 * {@code text_projection}); it is read in place under ComfyUI's names ({@value #NAMES}{@code text_model.*}) as
 * {@code clip_text_transformers_convert} renames it ({@link OpenClipTowerWeights#view(StateDict, String, String)}, no copy):
 * 24 layers of width 1024, 16 heads, exact GELU, projected pooled output.
 *
 * <p>Stateless; the loaders (CheckpointLoaderSimple and, for a text-encoder file, CLIPLoader) share it.
 */
public final class Sd2TextEncoder {
    /** The LDM layout of SD2.x checkpoints. */
    public static final String CHECKPOINT_PREFIX = "cond_stage_model.model.";
    /** SD2.x in the SGM layout (ComfyUI's SD20 maps it to the same encoder). */
    public static final String SGM_PREFIX = "conditioner.embedders.0.model.";
    /** ViT-H's text width and depth (ComfyUI's sd2_clip_config.json). */
    public static final int WIDTH = 1024;
    public static final int LAYERS = 24;
    /** Where ComfyUI's SD2 CLIP keeps ViT-H: the names its LoRA keys and the weights view use. */
    public static final String NAMES = "clip_h.transformer.";

    private Sd2TextEncoder() {}

    /** The prefix under which {@code keys} hold an open_clip text tower, as ComfyUI's SD20 looks for it; null when none. */
    public static String prefixIn(Set<String> keys) {
        for (String prefix : List.of(CHECKPOINT_PREFIX, SGM_PREFIX)) {
            if (keys.contains(prefix + "token_embedding.weight") && keys.contains(prefix + "text_projection")) return prefix;
        }
        return null;
    }

    /**
     * ComfyUI's {@code detect_te_model} for a text-encoder file in the Hugging Face layout: a 32nd layer
     * ({@code text_model.encoder.layers.31}) makes it CLIP-G, else a 23rd ({@code layers.22}) makes it
     * ViT-H, SD2's encoder (CLIPLoader type {@code stable_diffusion} then builds SD2's CLIP).
     */
    public static boolean isHuggingFaceClipH(Set<String> keys, String prefix) {
        String layers = prefix + "text_model.encoder.layers.";
        return !keys.contains(layers + "31.mlp.fc1.weight") && keys.contains(layers + "22.mlp.fc1.weight");
    }

    /** The text model under {@code prefix} (open_clip or Hugging Face layout); {@code sd} must outlive it. */
    public static ClipTextModel load(StateDict sd, String prefix) {
        StateDict view = weights(sd, prefix);
        try {
            return fromWeights(view, true);
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
    }

    /** The tower under {@code prefix} of {@code file} under ComfyUI's names ({@value #NAMES}); the caller closes it. */
    public static StateDict weights(StateDict file, String prefix) {
        return OpenClipTowerWeights.view(file, prefix, NAMES);
    }

    /** The text model from {@link #weights}; with {@code ownsView} the model closes the view. */
    public static ClipTextModel fromWeights(StateDict view, boolean ownsView) {
        return ClipTextModel.fromTowerView(view, NAMES, ownsView);
    }

    /** SD2's CLIP: the SD2 tokenizer rules over {@code base}'s vocabulary, penultimate layer, final layer norm. */
    public static Clip encoder(Sd1Tokenizer base, ClipTextModel model) {
        return Clip.sd2Encoder(base.forClipH(), model);
    }
}
