package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.LoraFormat;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.patch.WeightAdapter;
import dev.comfy4j.python.PyError;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a LoRA file against the MODEL and CLIP it is about to patch, as ComfyUI's
 * {@code load_lora_for_models} reads it: the keys of both components, one pass over the file, a
 * "lora key not loaded" warning for each key that matches neither. Unlike ComfyUI, a patch whose
 * size does not fit its weight, and a file that patches nothing, are errors that name the file
 * (ComfyUI logs the first and silently ignores the second): both mean a LoRA for another model.
 */
public final class LoraFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LoraFiles.class);

    /** Which of the two components the LoRA has patches for. */
    public record Targets(int modelWeights, int clipWeights) {}

    private LoraFiles() {}

    /** Reads {@code lora} against {@code model} and {@code clip} (either may be null). */
    public static Targets check(Path lora, ModelHandle model, ClipHandle clip) throws Exception {
        String name = lora.getFileName().toString();
        Map<String, String> keys = new HashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        Map<String, String> owner = new HashMap<>();
        if (model != null) collect(model, "model", keys, shapes, owner);
        if (clip != null) {
            for (PatchableComponent encoder : clip.encoders()) collect(encoder, "clip", keys, shapes, owner);
        }
        StateDict file;
        try {
            file = ModelFiles.loadStateDict(lora);
        } catch (ModelFileException e) {
            throw new PyError("RuntimeError", "ERROR: could not read the LoRA " + name + ": " + e.getMessage(), e);
        }
        try (file) {
            LoraFormat format = LoraFormat.read(file.tensors(), keys);
            for (String unused : format.unusedKeys()) LOG.warn("lora key not loaded: {}", unused);
            int modelWeights = 0;
            int clipWeights = 0;
            for (Map.Entry<String, WeightAdapter> e : format.patches().entrySet()) {
                long[] shape = shapes.get(e.getKey());
                if (shape == null) continue; // a bias the model does not have: ComfyUI skips it too
                String misfit = e.getValue().misfit(shape);
                if (misfit != null) {
                    throw new PyError("RuntimeError", "ERROR: the LoRA " + name + " does not fit this model: its patch for "
                            + e.getKey() + " " + misfit + " (is it a LoRA for another architecture?)");
                }
                if (owner.get(e.getKey()).equals("model")) modelWeights++;
                else clipWeights++;
            }
            if (modelWeights + clipWeights == 0) {
                throw new PyError("RuntimeError", "ERROR: the LoRA " + name + " patches no weight of this model: none of its "
                        + file.size() + " keys is a LoRA key of it (is it a LoRA for another architecture?)");
            }
            return new Targets(modelWeights, clipWeights);
        }
    }

    private static void collect(PatchableComponent component, String role, Map<String, String> keys,
                                Map<String, long[]> shapes, Map<String, String> owner) throws Exception {
        try (var lease = component.manager().checkpoint(component.file())) {
            try (StateDict sd = component.weightsView(lease.model().stateDict())) {
                collect(sd, component.loraKeys(sd), role, keys, shapes, owner);
            }
        }
    }

    private static void collect(StateDict sd, Map<String, String> map, String component, Map<String, String> keys,
                                Map<String, long[]> shapes, Map<String, String> owner) {
        keys.putAll(map);
        for (String target : map.values()) {
            shapes.put(target, sd.get(target).shape());
            owner.put(target, component);
        }
        // Biases patched through diff_b / b_norm are addressed from their weight's key.
        for (String target : map.values()) {
            if (target.endsWith(".weight")) {
                String bias = target.substring(0, target.length() - ".weight".length()) + ".bias";
                if (sd.contains(bias)) {
                    shapes.put(bias, sd.get(bias).shape());
                    owner.put(bias, component);
                }
            }
        }
    }
}
