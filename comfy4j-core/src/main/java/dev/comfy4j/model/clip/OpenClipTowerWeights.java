package dev.comfy4j.model.clip;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of an OpenCLIP text tower (SDXL's ViT-bigG, CLIP-G; SD2.x's ViT-H) under the names ComfyUI's
 * model gives them ({@code NAMES + "text_model.*"} and {@code NAMES + "text_projection.weight"}, where NAMES is
 * {@value #CLIP_G_PREFIX} for CLIP-G and {@code clip_h.transformer.} for ViT-H), read from either layout a file
 * may use:
 *
 * <ul>
 *   <li>open_clip ({@code transformer.resblocks.N.*}, {@code text_projection}: SDXL checkpoints under
 *       {@code conditioner.embedders.1.model.}, SD2.x checkpoints under {@code cond_stage_model.model.}, open_clip
 *       exports), renamed as ComfyUI's {@code clip_text_transformers_convert} does: the fused {@code attn.in_proj_*}
 *       split into q, k and v, {@code text_projection} transposed into a linear weight;</li>
 *   <li>Hugging Face {@code CLIPTextModelWithProjection} ({@code text_model.*}, {@code text_projection.weight}:
 *       {@code clip_g.safetensors}, diffusers' {@code text_encoder_2}); a bare {@code text_projection} is an old
 *       CLIPSave file's, transposed as ComfyUI's loader does.</li>
 * </ul>
 *
 * Every tensor is the file's or a view of it (slices, transposes): nothing is copied.
 */
public final class OpenClipTowerWeights {
    /** Where ComfyUI's SDXL model keeps CLIP-G, and the prefix of the names {@link #clipG} gives. */
    public static final String CLIP_G_PREFIX = "clip_g.transformer.";
    private static final String OPEN_CLIP_PROBE = "transformer.resblocks.0.ln_1.weight";
    private static final String HF_PROBE = "text_model.encoder.layers.0.layer_norm1.weight";
    /** ComfyUI's {@code detect_te_model}: a 31st layer makes a CLIP-G. */
    private static final String BIG_G_PROBE = "text_model.encoder.layers.30.mlp.fc1.weight";

    private OpenClipTowerWeights() {}

    /** Whether the keys under {@code prefix} of {@code sd} are an OpenCLIP ViT-bigG text tower in either layout. */
    public static boolean isClipG(StateDict sd, String prefix) {
        if (sd.contains(prefix + OPEN_CLIP_PROBE)) return sd.contains(prefix + "transformer.resblocks.30.mlp.c_fc.weight");
        return sd.contains(prefix + BIG_G_PROBE);
    }

    /** Whether the tower under {@code prefix} is in the open_clip layout. */
    public static boolean isOpenClipLayout(StateDict sd, String prefix) {
        return sd.contains(prefix + OPEN_CLIP_PROBE);
    }

    /** The view of SDXL's CLIP-G under {@value #CLIP_G_PREFIX}, as {@link #view(StateDict, String, String)}. */
    public static StateDict clipG(StateDict file, String prefix) {
        return view(file, prefix, CLIP_G_PREFIX);
    }

    /**
     * The view of the tower under {@code prefix} of {@code file} under the names {@code names + "text_model.*"} and
     * {@code names + "text_projection.weight"} (SD2.x's ViT-H is {@code clip_h.transformer.} in ComfyUI). The caller
     * closes it (that frees only the views it made) and keeps {@code file} open meanwhile.
     */
    public static StateDict view(StateDict file, String prefix, String names) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        List<Tensor> owned = new ArrayList<>();
        try {
            if (isOpenClipLayout(file, prefix)) fromOpenClip(file, prefix, names, named, owned);
            else if (file.contains(prefix + HF_PROBE)) fromHuggingFace(file, prefix, names, named, owned);
            else throw new IllegalArgumentException("no OpenCLIP text tower under '" + prefix + "'");
        } catch (RuntimeException e) {
            owned.forEach(Tensor::close);
            throw e;
        }
        return StateDict.view(file, named, owned);
    }

    private static void fromHuggingFace(StateDict file, String prefix, String names, Map<String, Tensor> named,
                                        List<Tensor> owned) {
        String text = prefix + "text_model.";
        for (String k : List.copyOf(file.keys())) {
            if (k.startsWith(text) && !k.endsWith("position_ids")) named.put(names + k.substring(prefix.length()), file.get(k));
        }
        Tensor projection = file.get(prefix + "text_projection.weight");
        if (projection != null) {
            named.put(names + "text_projection.weight", projection);
        } else if (file.contains(prefix + "text_projection")) {
            named.put(names + "text_projection.weight", own(file.get(prefix + "text_projection").transpose(0, 1), owned));
        }
    }

    // Keys are read through get() so that a recording view (StateDict.recording) sees which ones a tower uses.
    private static void fromOpenClip(StateDict file, String prefix, String names, Map<String, Tensor> named,
                                     List<Tensor> owned) {
        String text = names + "text_model.";
        for (String key : List.copyOf(file.keys())) {
            if (!key.startsWith(prefix)) continue;
            String k = key.substring(prefix.length());
            if (k.equals("logit_scale")) continue;
            Tensor t = file.get(key);
            switch (k) {
                case "token_embedding.weight" -> named.put(text + "embeddings.token_embedding.weight", t);
                case "positional_embedding" -> named.put(text + "embeddings.position_embedding.weight", t);
                case "ln_final.weight" -> named.put(text + "final_layer_norm.weight", t);
                case "ln_final.bias" -> named.put(text + "final_layer_norm.bias", t);
                case "text_projection" -> named.put(names + "text_projection.weight", own(t.transpose(0, 1), owned));
                default -> {
                    if (k.startsWith("transformer.resblocks.")) block(k.substring("transformer.resblocks.".length()), t, text, named, owned);
                }
            }
        }
    }

    private static void block(String rest, Tensor t, String text, Map<String, Tensor> named, List<Tensor> owned) {
        int dot = rest.indexOf('.');
        String layer = text + "encoder.layers." + rest.substring(0, dot) + ".";
        String part = rest.substring(dot + 1);
        if (part.equals("attn.in_proj_weight") || part.equals("attn.in_proj_bias")) {
            String suffix = part.endsWith("weight") ? "weight" : "bias";
            long rows = t.size(0) / 3;
            String[] names = {"q_proj", "k_proj", "v_proj"};
            for (int i = 0; i < 3; i++) {
                named.put(layer + "self_attn." + names[i] + "." + suffix, own(t.narrow(0, i * rows, rows), owned));
            }
            return;
        }
        String mapped = part.replace("ln_1.", "layer_norm1.").replace("ln_2.", "layer_norm2.")
                .replace("attn.out_proj.", "self_attn.out_proj.").replace("mlp.c_fc.", "mlp.fc1.").replace("mlp.c_proj.", "mlp.fc2.");
        if (!mapped.equals(part)) named.put(layer + mapped, t);
    }

    private static Tensor own(Tensor view, List<Tensor> owned) {
        view.escapeScope();
        owned.add(view);
        return view;
    }
}
