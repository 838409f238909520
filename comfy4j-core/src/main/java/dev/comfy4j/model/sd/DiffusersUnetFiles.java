package dev.comfy4j.model.sd;

import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.patch.LoraKeyMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * UNet files in the diffusers layout ({@code conv_in}, {@code down_blocks.N.resnets.M}, ...), which ComfyUI's
 * {@code load_diffusion_model_state_dict} renames to its LDM layout with {@code unet_to_diffusers}. ComfyUI first
 * matches the file against its list of known diffusers configurations; here the block structure (levels, res
 * blocks, transformer depths) is counted from the keys, the names follow from it, and the architecture detection
 * then judges the renamed weights as it judges any UNet.
 */
final class DiffusersUnetFiles {
    private DiffusersUnetFiles() {}

    /** Whether the keys are a bare diffusers UNet. */
    static boolean isDiffusersUnet(Set<String> keys) {
        return keys.contains("conv_in.weight") && keys.contains("down_blocks.0.resnets.0.conv1.weight");
    }

    /** The LDM name of each weight of the file (LDM name to the file's key), for {@code StateDict.renamed}. */
    static Map<String, String> ldmNames(Map<String, long[]> shapes) {
        Set<String> keys = shapes.keySet();
        int levels = count(keys, "down_blocks.", ".");
        List<Integer> resBlocks = new ArrayList<>();
        List<Integer> depth = new ArrayList<>();
        for (int x = 0; x < levels; x++) {
            int res = count(keys, "down_blocks." + x + ".resnets.", ".");
            resBlocks.add(res);
            for (int i = 0; i < res; i++) depth.add(count(keys, "down_blocks." + x + ".attentions." + i + ".transformer_blocks.", "."));
        }
        // ComfyUI lists the output blocks' depths from the last output block to the first.
        List<Integer> depthOutput = new ArrayList<>();
        int upLevels = count(keys, "up_blocks.", ".");
        for (int x = 0; x < upLevels; x++) {
            int res = count(keys, "up_blocks." + x + ".resnets.", ".");
            for (int i = 0; i < res; i++) depthOutput.add(count(keys, "up_blocks." + x + ".attentions." + i + ".transformer_blocks.", "."));
        }
        Collections.reverse(depthOutput);
        int middle = count(keys, "mid_block.attentions.0.transformer_blocks.", ".");
        long[] convIn = shapes.get("conv_in.weight");
        // Only the block structure matters for the names; the detection reads the real sizes afterwards.
        UnetConfig structure = new UnetConfig((int) convIn[1], 4, (int) convIn[0], resBlocks, Collections.nCopies(levels, 1),
                depth, depthOutput, middle, false, null, null, false);
        Map<String, String> names = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : LoraKeyMap.DiffusersUnetKeys.map(structure).entrySet()) {
            if (keys.contains(e.getKey())) names.put(e.getValue(), e.getKey());
        }
        return names;
    }

    private static int count(Set<String> keys, String before, String after) {
        int n = 0;
        while (true) {
            String probe = before + n + after;
            if (keys.stream().noneMatch(k -> k.startsWith(probe))) return n;
            n++;
        }
    }
}
