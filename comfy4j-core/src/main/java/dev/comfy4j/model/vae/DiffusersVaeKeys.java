package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renames a diffusers-layout VAE ({@code decoder.up_blocks.0.resnets.0.norm1.weight}, ...) to the LDM
 * names, as ComfyUI's {@code diffusers_convert.convert_vae_state_dict} does: the same ordered list of
 * substring replacements, then the attention renames for keys that had {@code attentions} in them.
 * The attention weights stay 2-D here ({@link AttnBlock} takes both shapes), where ComfyUI reshapes
 * them to 1x1 convs; the numbers are the same.
 */
final class DiffusersVaeKeys {
    /** The key ComfyUI tests for the diffusers layout. */
    static final String MARKER = "decoder.up_blocks.0.resnets.0.norm1.weight";

    private static final List<String[]> RENAMES = renames();
    private static final String[][] ATTENTION_RENAMES = {
        {"norm.", "group_norm."}, {"q.", "query."}, {"k.", "key."}, {"v.", "value."},
        {"q.", "to_q."}, {"k.", "to_k."}, {"v.", "to_v."}, {"proj_out.", "to_out.0."}, {"proj_out.", "proj_attn."},
    };

    private DiffusersVaeKeys() {}

    static boolean isDiffusers(Map<String, Tensor> tensors) {
        return tensors.containsKey(MARKER);
    }

    static Map<String, Tensor> toLdm(Map<String, Tensor> tensors) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((key, t) -> out.put(rename(key), t));
        return out;
    }

    static String rename(String key) {
        String v = key;
        for (String[] r : RENAMES) v = v.replace(r[1], r[0]);
        if (key.contains("attentions")) {
            for (String[] r : ATTENTION_RENAMES) v = v.replace(r[1], r[0]);
        }
        return v;
    }

    /** (LDM part, diffusers part) pairs in ComfyUI's order. */
    private static List<String[]> renames() {
        List<String[]> r = new ArrayList<>();
        r.add(new String[]{"nin_shortcut", "conv_shortcut"});
        r.add(new String[]{"norm_out", "conv_norm_out"});
        r.add(new String[]{"mid.attn_1.", "mid_block.attentions.0."});
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                r.add(new String[]{"encoder.down." + i + ".block." + j + ".", "encoder.down_blocks." + i + ".resnets." + j + "."});
            }
            if (i < 3) {
                r.add(new String[]{"down." + i + ".downsample.", "down_blocks." + i + ".downsamplers.0."});
                r.add(new String[]{"up." + (3 - i) + ".upsample.", "up_blocks." + i + ".upsamplers.0."});
            }
            for (int j = 0; j < 3; j++) {
                r.add(new String[]{"decoder.up." + (3 - i) + ".block." + j + ".", "decoder.up_blocks." + i + ".resnets." + j + "."});
            }
        }
        for (int i = 0; i < 2; i++) {
            r.add(new String[]{"mid.block_" + (i + 1) + ".", "mid_block.resnets." + i + "."});
        }
        return r;
    }
}
