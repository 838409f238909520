package dev.comfy4j.model.patch;

import dev.comfy4j.model.UnetConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LoRA key names ComfyUI accepts for each weight of a model ({@code comfy.lora.model_lora_keys_unet}
 * and {@code model_lora_keys_clip}), mapped to the weight's key in the checkpoint file.
 */
public final class LoraKeyMap {
    private static final String[][] CLIP_LAYERS = {
        {"mlp.fc1", "mlp_fc1"}, {"mlp.fc2", "mlp_fc2"},
        {"self_attn.k_proj", "self_attn_k_proj"}, {"self_attn.q_proj", "self_attn_q_proj"},
        {"self_attn.v_proj", "self_attn_v_proj"}, {"self_attn.out_proj", "self_attn_out_proj"},
    };

    private LoraKeyMap() {}

    /**
     * The LoRA keys of a UNet whose weights are the keys of {@code fileKeys} under {@code prefix}
     * (ComfyUI names them {@code diffusion_model.*}).
     */
    public static Map<String, String> unet(Set<String> fileKeys, String prefix, UnetConfig config) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String k : fileKeys) {
            if (!k.startsWith(prefix)) continue;
            String rel = k.substring(prefix.length());
            if (rel.endsWith(".weight")) {
                String base = rel.substring(0, rel.length() - ".weight".length());
                map.put("lora_unet_" + base.replace('.', '_'), k);
                map.put("lora_prior_unet_" + base.replace('.', '_'), k);
                map.put("diffusion_model." + base, k);
            } else {
                map.put("diffusion_model." + rel, k);
            }
        }
        for (Map.Entry<String, String> e : DiffusersUnetKeys.map(config).entrySet()) {
            String diffusers = e.getKey();
            String target = prefix + e.getValue();
            if (!diffusers.endsWith(".weight") || !fileKeys.contains(target)) continue;
            String base = diffusers.substring(0, diffusers.length() - ".weight".length());
            map.put("lora_unet_" + base.replace('.', '_'), target);
            map.put("lycoris_" + base.replace('.', '_'), target);
            for (String p : new String[] {"", "unet."}) {
                String key = p + base.replace(".to_", ".processor.to_");
                if (key.endsWith(".to_out.0")) key = key.substring(0, key.length() - 2);
                map.put(key, target);
            }
        }
        return map;
    }

    /**
     * The LoRA keys of an SD1.x CLIP-L text encoder whose {@code text_model.*} weights are the keys of
     * {@code fileKeys} under {@code prefix} (ComfyUI names them {@code clip_l.transformer.text_model.*}).
     */
    public static Map<String, String> clipL(Set<String> fileKeys, String prefix) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String k : fileKeys) {
            if (k.startsWith(prefix) && k.endsWith(".weight")) {
                String rel = k.substring(prefix.length(), k.length() - ".weight".length());
                map.put("text_encoders.clip_l.transformer.text_model." + rel, k);
            }
        }
        firstEncoderLayers(map, fileKeys, prefix + "encoder.layers.");
        return map;
    }

    /**
     * The names of a first (or only) CLIP text encoder's layers {@code layers + N + ".*"}: kohya's {@code lora_te_*}
     * and {@code lora_te1_*}, diffusers' {@code text_encoder.*} (SD1's CLIP-L, SD2's ViT-H).
     */
    private static void firstEncoderLayers(Map<String, String> map, Set<String> keys, String layers) {
        for (int b = 0; b < 32; b++) {
            for (String[] layer : CLIP_LAYERS) {
                String k = layers + b + "." + layer[0] + ".weight";
                if (!keys.contains(k)) continue;
                map.put("lora_te_text_model_encoder_layers_" + b + "_" + layer[1], k);
                map.put("lora_te1_text_model_encoder_layers_" + b + "_" + layer[1], k);
                map.put("text_encoder.text_model.encoder.layers." + b + "." + layer[0], k);
            }
        }
    }

    /**
     * The LoRA keys of SD2.x's OpenCLIP ViT-H whose weights are the keys of {@code viewKeys} under ComfyUI's names
     * ({@code clip_h.transformer.*}): as {@code model_lora_keys_clip} names them, {@code lora_te_*},
     * {@code lora_te1_*} and diffusers' {@code text_encoder.*}, and the generic {@code text_encoders.*}.
     */
    public static Map<String, String> clipH(Set<String> viewKeys, String prefix) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String k : viewKeys) {
            if (k.startsWith(prefix) && k.endsWith(".weight")) {
                map.put("text_encoders." + k.substring(0, k.length() - ".weight".length()), k);
            }
        }
        firstEncoderLayers(map, viewKeys, prefix + "text_model.encoder.layers.");
        return map;
    }

    /**
     * The LoRA keys of SDXL's CLIP-G whose weights are the keys of {@code viewKeys}, ComfyUI's own names
     * ({@code clip_g.transformer.*}, see {@code OpenClipTowerWeights}). Beside a CLIP-L (SDXL base) it is {@code lora_te2_*}
     * and diffusers' {@code text_encoder_2.*}; alone (the refiner) {@code lora_te_*}, {@code text_encoder.*} and
     * Stable Cascade's {@code lora_prior_te_*}, as {@code model_lora_keys_clip} names them.
     */
    public static Map<String, String> clipG(Set<String> viewKeys, String prefix, boolean besideClipL) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String k : viewKeys) {
            if (k.startsWith(prefix) && k.endsWith(".weight")) {
                map.put("text_encoders." + k.substring(0, k.length() - ".weight".length()), k);
            }
        }
        for (int b = 0; b < 32; b++) {
            for (String[] layer : CLIP_LAYERS) {
                String k = prefix + "text_model.encoder.layers." + b + "." + layer[0] + ".weight";
                if (!viewKeys.contains(k)) continue;
                String kohya = "text_model_encoder_layers_" + b + "_" + layer[1];
                String diffusers = "text_model.encoder.layers." + b + "." + layer[0];
                if (besideClipL) {
                    map.put("lora_te2_" + kohya, k);
                    map.put("text_encoder_2." + diffusers, k);
                } else {
                    map.put("lora_te_" + kohya, k);
                    map.put("text_encoder." + diffusers, k);
                    map.put("lora_prior_te_" + kohya, k);
                }
            }
        }
        String projection = prefix + "text_projection.weight";
        if (viewKeys.contains(projection)) {
            map.put("lora_prior_te_text_projection", projection);
            map.put("lora_te2_text_projection", projection);
        }
        return map;
    }

    /** {@code comfy.utils.unet_to_diffusers}: diffusers UNet key to LDM UNet key (also read by diffusers ControlNets). */
    public static final class DiffusersUnetKeys {
        private static final String[] ATTENTIONS = {"proj_in.weight", "proj_in.bias", "proj_out.weight", "proj_out.bias",
            "norm.weight", "norm.bias"};
        private static final String[] TRANSFORMER_BLOCKS = {"norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
            "norm3.weight", "norm3.bias", "attn1.to_q.weight", "attn1.to_k.weight", "attn1.to_v.weight",
            "attn1.to_out.0.weight", "attn1.to_out.0.bias", "attn2.to_q.weight", "attn2.to_k.weight", "attn2.to_v.weight",
            "attn2.to_out.0.weight", "attn2.to_out.0.bias", "ff.net.0.proj.weight", "ff.net.0.proj.bias",
            "ff.net.2.weight", "ff.net.2.bias"};
        private static final String[][] RESNET = {
            {"in_layers.2.weight", "conv1.weight"}, {"in_layers.2.bias", "conv1.bias"},
            {"emb_layers.1.weight", "time_emb_proj.weight"}, {"emb_layers.1.bias", "time_emb_proj.bias"},
            {"out_layers.3.weight", "conv2.weight"}, {"out_layers.3.bias", "conv2.bias"},
            {"skip_connection.weight", "conv_shortcut.weight"}, {"skip_connection.bias", "conv_shortcut.bias"},
            {"in_layers.0.weight", "norm1.weight"}, {"in_layers.0.bias", "norm1.bias"},
            {"out_layers.0.weight", "norm2.weight"}, {"out_layers.0.bias", "norm2.bias"},
        };
        private static final String[][] BASIC = {
            {"label_emb.0.0.weight", "class_embedding.linear_1.weight"}, {"label_emb.0.0.bias", "class_embedding.linear_1.bias"},
            {"label_emb.0.2.weight", "class_embedding.linear_2.weight"}, {"label_emb.0.2.bias", "class_embedding.linear_2.bias"},
            {"label_emb.0.0.weight", "add_embedding.linear_1.weight"}, {"label_emb.0.0.bias", "add_embedding.linear_1.bias"},
            {"label_emb.0.2.weight", "add_embedding.linear_2.weight"}, {"label_emb.0.2.bias", "add_embedding.linear_2.bias"},
            {"input_blocks.0.0.weight", "conv_in.weight"}, {"input_blocks.0.0.bias", "conv_in.bias"},
            {"out.0.weight", "conv_norm_out.weight"}, {"out.0.bias", "conv_norm_out.bias"},
            {"out.2.weight", "conv_out.weight"}, {"out.2.bias", "conv_out.bias"},
            {"time_embed.0.weight", "time_embedding.linear_1.weight"}, {"time_embed.0.bias", "time_embedding.linear_1.bias"},
            {"time_embed.2.weight", "time_embedding.linear_2.weight"}, {"time_embed.2.bias", "time_embedding.linear_2.bias"},
        };

        private DiffusersUnetKeys() {}

        public static Map<String, String> map(UnetConfig c) {
            Map<String, String> m = new LinkedHashMap<>();
            List<Integer> resBlocks = c.numResBlocks();
            List<Integer> depth = new ArrayList<>(c.transformerDepth());
            List<Integer> depthOut = new ArrayList<>(c.transformerDepthOutput());
            int levels = c.channelMult().size();
            for (int x = 0; x < levels; x++) {
                int n = 1 + (resBlocks.get(x) + 1) * x;
                for (int i = 0; i < resBlocks.get(x); i++) {
                    for (String[] r : RESNET) m.put("down_blocks." + x + ".resnets." + i + "." + r[1], "input_blocks." + n + ".0." + r[0]);
                    int transformers = depth.isEmpty() ? 0 : depth.remove(0);
                    if (transformers > 0) {
                        for (String b : ATTENTIONS) m.put("down_blocks." + x + ".attentions." + i + "." + b, "input_blocks." + n + ".1." + b);
                        for (int t = 0; t < transformers; t++) {
                            for (String b : TRANSFORMER_BLOCKS) {
                                m.put("down_blocks." + x + ".attentions." + i + ".transformer_blocks." + t + "." + b,
                                        "input_blocks." + n + ".1.transformer_blocks." + t + "." + b);
                            }
                        }
                    }
                    n++;
                }
                for (String k : new String[] {"weight", "bias"}) {
                    m.put("down_blocks." + x + ".downsamplers.0.conv." + k, "input_blocks." + n + ".0.op." + k);
                }
            }
            for (String b : ATTENTIONS) m.put("mid_block.attentions.0." + b, "middle_block.1." + b);
            for (int t = 0; t < Math.max(0, c.transformerDepthMiddle()); t++) {
                for (String b : TRANSFORMER_BLOCKS) {
                    m.put("mid_block.attentions.0.transformer_blocks." + t + "." + b, "middle_block.1.transformer_blocks." + t + "." + b);
                }
            }
            int[] midResnets = {0, 2};
            for (int i = 0; i < 2; i++) {
                for (String[] r : RESNET) m.put("mid_block.resnets." + i + "." + r[1], "middle_block." + midResnets[i] + "." + r[0]);
            }
            List<Integer> reversed = new ArrayList<>(resBlocks);
            java.util.Collections.reverse(reversed);
            for (int x = 0; x < levels; x++) {
                int n = (reversed.get(x) + 1) * x;
                int l = reversed.get(x) + 1;
                for (int i = 0; i < l; i++) {
                    int c2 = 0;
                    for (String[] r : RESNET) m.put("up_blocks." + x + ".resnets." + i + "." + r[1], "output_blocks." + n + ".0." + r[0]);
                    c2++;
                    int transformers = depthOut.isEmpty() ? 0 : depthOut.remove(depthOut.size() - 1);
                    if (transformers > 0) {
                        c2++;
                        for (String b : ATTENTIONS) m.put("up_blocks." + x + ".attentions." + i + "." + b, "output_blocks." + n + ".1." + b);
                        for (int t = 0; t < transformers; t++) {
                            for (String b : TRANSFORMER_BLOCKS) {
                                m.put("up_blocks." + x + ".attentions." + i + ".transformer_blocks." + t + "." + b,
                                        "output_blocks." + n + ".1.transformer_blocks." + t + "." + b);
                            }
                        }
                    }
                    if (i == l - 1) {
                        for (String k : new String[] {"weight", "bias"}) {
                            m.put("up_blocks." + x + ".upsamplers.0.conv." + k, "output_blocks." + n + "." + c2 + ".conv." + k);
                        }
                    }
                    n++;
                }
            }
            for (String[] b : BASIC) m.put(b[1], b[0]);
            return m;
        }
    }
}
