package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.model.patch.LoraStack;
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
 * @param loras the LoRA files applied to the encoder's weights
 * @param family the model family the encoder belongs to (only SD1's CLIP-L encodes today)
 * @param tokenizer supplied lazily: the vocabulary is read (or downloaded) on the first encode
 */
public record ClipHandle(ModelManager manager, Path file, String prefix, ModelFamily family,
                         Supplier<Sd1Tokenizer> tokenizer, Integer lastLayer, LoraStack loras) {
    public ClipHandle(ModelManager manager, Path file, String prefix, ModelFamily family,
                      Supplier<Sd1Tokenizer> tokenizer, Integer lastLayer) {
        this(manager, file, prefix, family, tokenizer, lastLayer, LoraStack.NONE);
    }

    /** A clone encoding with the output of {@code layer} (-1 the last); shares the weights. */
    public ClipHandle withLastLayer(int layer) {
        return new ClipHandle(manager, file, prefix, family, tokenizer, layer, loras);
    }

    /** A clone with the LoRA {@code loraFile} applied on top at {@code strength}; shares the weights it does not patch. */
    public ClipHandle withLora(Path loraFile, double strength) throws java.io.IOException {
        return new ClipHandle(manager, file, prefix, family, tokenizer, lastLayer, loras.with(loraFile, strength));
    }

    /** ComfyUI's LoRA key names of this text encoder, mapped to the keys of {@code weights}. */
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
        return ComponentLoads.acquire(manager, "CLIP", file, prefix, 1.0, loras, this::loraKeys,
                weights -> ClipTextModel.fromStateDict(weights, prefix));
    }

    @Override
    public String toString() {
        return "CLIP[" + file.getFileName() + (lastLayer == null ? "" : ", layer " + lastLayer)
                + (loras.isEmpty() ? "" : ", " + loras.applications().size() + " LoRA") + "]";
    }
}
