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

    /**
     * The weights of this component as its LoRA keys and patches address them, given the weights of its
     * file: the file's own (the default), or a view under other names (an open_clip CLIP-G read under
     * ComfyUI's names, a diffusers UNet under LDM names) that the caller closes once done with it.
     */
    default StateDict weightsView(StateDict file) {
        return file;
    }

    /** ComfyUI's LoRA key names of this component, mapped to the keys of {@code weights} (its {@link #weightsView}). */
    Map<String, String> loraKeys(StateDict weights);

    /** Identifies the component's weights: its file, prefix and patches. */
    default String weightsIdentity() {
        return file().toAbsolutePath().normalize() + "#" + prefix() + (patches().isEmpty() ? "" : "+" + patches().cacheKey());
    }
}
