package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.patch.WeightPatch;
import dev.comfy4j.model.patch.WeightPatches;
import dev.comfy4j.model.clip.Clip;
import dev.comfy4j.model.clip.ClipOutput;
import dev.comfy4j.model.clip.ClipTextModel;
import dev.comfy4j.model.clip.Sd1Tokenizer;
import dev.comfy4j.python.PyError;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ComfyUI's CLIP value: the CLIP-L text encoder of {@code file} under {@code prefix}, the prompt
 * tokenizer, and CLIPSetLastLayer's choice ({@code lastLayer}, null for the last layer).
 *
 * @param patches the LoRA files and merges applied to the encoder's weights
 * @param family the model family the encoder belongs to (only SD1's CLIP-L encodes today)
 * @param tokenizer supplied lazily: the vocabulary is read (or downloaded) on the first encode
 */
public record ClipHandle(ModelManager manager, Path file, String prefix, ModelFamily family,
                         Supplier<Sd1Tokenizer> tokenizer, Integer lastLayer, WeightPatches patches)
        implements PatchableComponent {
    public ClipHandle(ModelManager manager, Path file, String prefix, ModelFamily family,
                      Supplier<Sd1Tokenizer> tokenizer, Integer lastLayer) {
        this(manager, file, prefix, family, tokenizer, lastLayer, WeightPatches.NONE);
    }

    /** A clone encoding with the output of {@code layer} (-1 the last); shares the weights. */
    public ClipHandle withLastLayer(int layer) {
        return new ClipHandle(manager, file, prefix, family, tokenizer, layer, patches);
    }

    /** A clone with {@code patch} applied on top; shares the weights it does not patch. */
    public ClipHandle withPatch(WeightPatch patch) {
        return new ClipHandle(manager, file, prefix, family, tokenizer, lastLayer, patches.with(patch));
    }

    /** ComfyUI's LoRA key names of this text encoder, mapped to the keys of {@code weights}. */
    @Override
    public Map<String, String> loraKeys(StateDict weights) {
        return LoraKeyMap.clipL(weights.keys(), prefix);
    }

    /** {@code CLIPTextEncode}: conditioning [1, 77*chunks, 768] and pooled [1, 768], in the caller's scope. */
    public ClipOutput encode(String text) throws Exception {
        if (family != ModelFamily.SD1) {
            throw new PyError("RuntimeError", "the text encoder of " + family.comfyName() + " models (in "
                    + file.getFileName() + ") is not supported yet; SD1.x CLIP-L is");
        }
        Sd1Tokenizer tok = tokenizer.get();
        try (var lease = acquire()) {
            Clip clip = new Clip(tok, lease.model().get());
            if (lastLayer != null) clip = clip.withLastLayer(lastLayer);
            return clip.encode(text);
        }
    }

    /** The loaded text encoder, for the duration of one computation. */
    public ModelManager.Lease<LoadedComponent<ClipTextModel>> acquire() throws Exception {
        // The weights stay fp16 and are widened per layer at compute time (ComfyUI's manual cast).
        return ComponentLoads.acquire(manager, "CLIP", file, prefix, 1.0, this,
                weights -> ClipTextModel.fromStateDict(weights, prefix));
    }

    @Override
    public String toString() {
        return "CLIP[" + file.getFileName() + (lastLayer == null ? "" : ", layer " + lastLayer)
                + (patches.isEmpty() ? "" : ", " + patches.steps().size() + " patches") + "]";
    }
}
