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
import dev.comfy4j.model.clip.Sd2TextEncoder;
import dev.comfy4j.model.clip.SdxlClip;
import dev.comfy4j.model.clip.SdxlTokenizer;
import dev.comfy4j.model.clip.SdxlTokens;
import dev.comfy4j.python.PyError;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ComfyUI's CLIP value: the CLIP-L text encoder of {@code file} under {@code prefix}, the prompt
 * tokenizer, and CLIPSetLastLayer's choice ({@code lastLayer}, null for the family's default). For
 * SDXL the handle also stands for the OpenCLIP ViT-bigG of the same file ({@value #SDXL_CLIP_G_PREFIX}).
 *
 * @param patches the LoRA files and merges applied to the encoder's weights
 * @param family the model family the encoder belongs to (SD1's CLIP-L, SD2's OpenCLIP ViT-H and SDXL's pair encode today)
 * @param tokenizer supplied lazily: the vocabulary is read (or downloaded) on the first encode
 */
public record ClipHandle(ModelManager manager, Path file, String prefix, ModelFamily family,
                         Supplier<Sd1Tokenizer> tokenizer, Integer lastLayer, WeightPatches patches)
        implements PatchableComponent {
    /** Where SDXL checkpoints keep CLIP-L (Hugging Face layout). */
    public static final String SDXL_CLIP_L_PREFIX = "conditioner.embedders.0.transformer.text_model.";
    /** Where SDXL checkpoints keep the OpenCLIP ViT-bigG text tower (open_clip layout). */
    public static final String SDXL_CLIP_G_PREFIX = "conditioner.embedders.1.model.";

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
        requireSd1("LoRA and merges on");
        return new ClipHandle(manager, file, prefix, family, tokenizer, lastLayer, patches.with(patch));
    }

    /** ComfyUI's LoRA key names of this text encoder, mapped to the keys of {@code weights}. */
    @Override
    public Map<String, String> loraKeys(StateDict weights) {
        requireSd1("LoRA and merges on");
        return LoraKeyMap.clipL(weights.keys(), prefix);
    }

    /**
     * {@code CLIPTextEncode}: conditioning [1, 77*chunks, 768] and pooled [1, 768] for SD1, [.., 1024] and
     * [1, 1024] for SD2 (OpenCLIP ViT-H), [.., 2048] and [1, 1280] for SDXL, in the caller's scope.
     */
    public ClipOutput encode(String text) throws Exception {
        if (family == ModelFamily.SDXL) return encodeSdxl(sdxlTokenizer().tokenizeWithWeights(text));
        if (family != ModelFamily.SD2) requireSd1("encoding with");
        Sd1Tokenizer tok = tokenizer.get();
        try (var lease = acquire()) {
            Clip clip = family == ModelFamily.SD2 ? Sd2TextEncoder.encoder(tok, lease.model().get())
                    : new Clip(tok, lease.model().get());
            if (lastLayer != null) clip = clip.withLastLayer(lastLayer);
            return clip.encode(text);
        }
    }

    /** Whether this is SDXL's CLIP-L + CLIP-G pair. */
    public boolean isSdxl() {
        return family == ModelFamily.SDXL;
    }

    /** The SDXL tokenizer of this CLIP (the g and l streams); the CLIP must be SDXL's. */
    public SdxlTokenizer sdxlTokenizer() {
        if (!isSdxl()) {
            throw new PyError("RuntimeError", "ERROR: this node needs an SDXL CLIP (CLIP-L and CLIP-G); "
                    + file.getFileName() + " holds the text encoder of " + family.comfyName() + " models");
        }
        return new SdxlTokenizer(tokenizer.get());
    }

    /** SDXL's encoding of prepared g and l token streams: cond [1, 77*chunks, 2048], pooled [1, 1280]. */
    public ClipOutput encodeSdxl(SdxlTokens tokens) throws Exception {
        SdxlTokenizer tok = sdxlTokenizer();
        try (var l = acquire(); var g = acquireClipG()) {
            SdxlClip clip = new SdxlClip(tok, l.model().get(), g.model().get());
            if (lastLayer != null) clip = clip.withLastLayer(lastLayer);
            return clip.encodeFromTokens(tokens);
        }
    }

    private void requireSd1(String what) {
        if (family == ModelFamily.SD1) return;
        String supported = what.startsWith("LoRA") ? "SD1.x CLIP-L is" : "SD1.x CLIP-L, SD2.x and SDXL are";
        throw new PyError("RuntimeError", "ERROR: " + what + " the text encoder of " + family.comfyName() + " models (in "
                + file.getFileName() + ") " + (what.startsWith("LoRA") ? "are" : "is") + " not supported yet; " + supported);
    }

    /** SDXL's OpenCLIP ViT-bigG of the same file, for the duration of one computation; weights stay fp16. */
    private ModelManager.Lease<LoadedComponent<ClipTextModel>> acquireClipG() throws Exception {
        return ComponentLoads.acquire(manager, "CLIP-G", file, SDXL_CLIP_G_PREFIX, 1.0,
                weights -> ClipTextModel.fromOpenClip(weights, SDXL_CLIP_G_PREFIX));
    }

    /** The loaded text encoder, for the duration of one computation. */
    public ModelManager.Lease<LoadedComponent<ClipTextModel>> acquire() throws Exception {
        // The weights stay fp16 and are widened per layer at compute time (ComfyUI's manual cast).
        return ComponentLoads.acquire(manager, "CLIP", file, prefix, 1.0, this,
                weights -> family == ModelFamily.SD2 ? Sd2TextEncoder.load(weights, prefix)
                        : ClipTextModel.fromStateDict(weights, prefix));
    }

    @Override
    public String toString() {
        return "CLIP[" + file.getFileName() + (lastLayer == null ? "" : ", layer " + lastLayer)
                + (patches.isEmpty() ? "" : ", " + patches.steps().size() + " patches") + "]";
    }
}
