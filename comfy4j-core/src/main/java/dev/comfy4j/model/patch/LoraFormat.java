package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the patches of a LoRA-family file as ComfyUI's {@code comfy.lora.load_lora} does: for each
 * known LoRA key name, the tensors stored under it in any of the formats ComfyUI reads (its adapters in
 * their order: LoRA/LoCon, LoHa, LoKr, GLoRA, OFT, BOFT, a later one replacing an earlier one, then the
 * full differences).
 *
 * @param patches the adapters by target weight key (the key the {@link LoraKeyMap} maps to)
 * @param unusedKeys keys of the file that no adapter took (ComfyUI logs each as "lora key not loaded")
 */
public record LoraFormat(Map<String, WeightAdapter> patches, Set<String> unusedKeys) {
    private static final String[][] UP_DOWN = {
        {".lora_up.weight", ".lora_down.weight"},     // kohya
        {"_lora.up.weight", "_lora.down.weight"},     // diffusers (attention processors)
        {".lora_B.weight", ".lora_A.weight"},         // PEFT
        {".lora.up.weight", ".lora.down.weight"},     // diffusers
        {".lora_linear_layer.up.weight", ".lora_linear_layer.down.weight"}, // transformers
    };

    /** The patches in {@code lora} for the LoRA keys of {@code keyMap} (LoRA key to target key). */
    public static LoraFormat read(Map<String, Tensor> lora, Map<String, String> keyMap) {
        Map<String, WeightAdapter> patches = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, String> e : keyMap.entrySet()) {
            String x = e.getKey();
            String target = e.getValue();
            Double alpha = null;
            if (lora.containsKey(x + ".alpha")) {
                alpha = lora.get(x + ".alpha").item();
                used.add(x + ".alpha");
            }
            Tensor dora = take(lora, used, x + ".dora_scale");

            for (String[] names : UP_DOWN) {
                if (lora.containsKey(x + names[0])) {
                    Tensor mid = names[0].equals(".lora_up.weight") ? take(lora, used, x + ".lora_mid.weight") : null;
                    patches.put(target, new LoraAdapter(take(lora, used, x + names[0]), take(lora, used, x + names[1]),
                            alpha, mid, dora));
                    break;
                }
            }
            if (lora.containsKey(x + ".hada_w1_a")) {
                Tensor t1 = take(lora, used, x + ".hada_t1");
                Tensor t2 = t1 == null ? null : take(lora, used, x + ".hada_t2");
                patches.put(target, new LohaAdapter(take(lora, used, x + ".hada_w1_a"), take(lora, used, x + ".hada_w1_b"),
                        alpha, take(lora, used, x + ".hada_w2_a"), take(lora, used, x + ".hada_w2_b"), t1, t2, dora));
            }
            Tensor w1 = take(lora, used, x + ".lokr_w1");
            Tensor w2 = take(lora, used, x + ".lokr_w2");
            Tensor w1a = take(lora, used, x + ".lokr_w1_a");
            Tensor w1b = take(lora, used, x + ".lokr_w1_b");
            Tensor w2a = take(lora, used, x + ".lokr_w2_a");
            Tensor w2b = take(lora, used, x + ".lokr_w2_b");
            Tensor t2 = take(lora, used, x + ".lokr_t2");
            if (w1 != null || w2 != null || w1a != null || w2a != null) {
                patches.put(target, new LokrAdapter(w1, w2, alpha, w1a, w1b, w2a, w2b, t2, dora));
            }
            if (lora.containsKey(x + ".a1.weight")) {
                patches.put(target, new GloraAdapter(take(lora, used, x + ".a1.weight"), take(lora, used, x + ".a2.weight"),
                        take(lora, used, x + ".b1.weight"), take(lora, used, x + ".b2.weight"), alpha, dora));
            }
            Tensor blocks = lora.get(x + ".oft_blocks");
            if (blocks != null && (blocks.dim() == 3 || blocks.dim() == 4)) {
                take(lora, used, x + ".oft_blocks");
                Tensor rescale = take(lora, used, x + ".rescale");
                patches.put(target, blocks.dim() == 3 ? new OftAdapter(blocks, rescale, alpha, dora)
                        : new BoftAdapter(blocks, rescale, alpha, dora));
            }
            Tensor wNorm = take(lora, used, x + ".w_norm");
            if (wNorm != null) {
                patches.put(target, new DiffAdapter(wNorm));
                Tensor bNorm = take(lora, used, x + ".b_norm");
                if (bNorm != null) patches.put(biasOf(target), new DiffAdapter(bNorm));
            }
            Tensor diff = take(lora, used, x + ".diff");
            if (diff != null) patches.put(target, new DiffAdapter(diff));
            Tensor diffB = take(lora, used, x + ".diff_b");
            if (diffB != null) patches.put(biasOf(target), new DiffAdapter(diffB));
            Tensor set = take(lora, used, x + ".set_weight");
            if (set != null) patches.put(target, new SetAdapter(set));
        }
        Set<String> unused = new LinkedHashSet<>(lora.keySet());
        unused.removeAll(used);
        return new LoraFormat(patches, unused);
    }

    private static Tensor take(Map<String, Tensor> lora, Set<String> used, String key) {
        Tensor t = lora.get(key);
        if (t != null) used.add(key);
        return t;
    }

    private static String biasOf(String weightKey) {
        return weightKey.endsWith(".weight") ? weightKey.substring(0, weightKey.length() - ".weight".length()) + ".bias"
                : weightKey + ".bias";
    }
}
