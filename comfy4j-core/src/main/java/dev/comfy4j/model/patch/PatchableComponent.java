package dev.comfy4j.model.patch;

import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.StateDict;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model component whose weights can be patched: the UNet of a MODEL or the text encoder of a CLIP.
 * Its weights are the keys of {@code file} under {@code prefix}, with {@link #patches()} applied.
 */
public interface PatchableComponent {
    ModelManager manager();

    Path file();

    String prefix();

    WeightPatches patches();

    /** ComfyUI's LoRA key names of this component, mapped to the keys of {@code weights}. */
    Map<String, String> loraKeys(StateDict weights);

    /** Identifies the component's weights: its file, prefix and patches. */
    default String weightsIdentity() {
        return file().toAbsolutePath().normalize() + "#" + prefix() + (patches().isEmpty() ? "" : "+" + patches().cacheKey());
    }
}
