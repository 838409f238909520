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
     * file: the whole file under its own names (the default, a view that owns nothing), or a view of this
     * component alone under other names (an open_clip CLIP-G read under ComfyUI's names, a diffusers UNet
     * under LDM names). The caller closes it once done with it, and keeps {@code file} open meanwhile.
     */
    default StateDict weightsView(StateDict file) {
        return StateDict.borrowed(file);
    }

    /**
     * Whether {@link #weightsView} holds this component's weights alone (renamed), rather than the whole
     * file with this component's under {@link #prefix}.
     */
    default boolean viewHoldsThisComponentOnly() {
        return false;
    }

    /** ComfyUI's LoRA key names of this component, mapped to the keys of {@code weights} (its {@link #weightsView}). */
    Map<String, String> loraKeys(StateDict weights);

    /** Identifies the component's weights: its file, prefix and patches. */
    default String weightsIdentity() {
        return file().toAbsolutePath().normalize() + "#" + prefix() + (patches().isEmpty() ? "" : "+" + patches().cacheKey());
    }
}
