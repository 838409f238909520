package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.LoraFilePatch;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.patch.WeightPatch;
import dev.comfy4j.model.patch.WeightPatches;
import dev.comfy4j.model.clip.Clip;
import dev.comfy4j.model.clip.ClipOutput;
import dev.comfy4j.model.clip.ClipTextModel;
import dev.comfy4j.model.clip.OpenClipTowerWeights;
import dev.comfy4j.model.clip.Sd1Tokenizer;
import dev.comfy4j.model.clip.Sd2TextEncoder;
import dev.comfy4j.model.clip.SdxlClip;
import dev.comfy4j.model.clip.SdxlTokenizer;
import dev.comfy4j.model.clip.SdxlTokens;
import dev.comfy4j.python.PyError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ComfyUI's CLIP value: the CLIP-L text encoder of {@code file} under {@code prefix}, the prompt
 * tokenizer, and CLIPSetLastLayer's choice ({@code lastLayer}, null for the family's default). For
 * SDXL the handle also stands for the OpenCLIP ViT-bigG ({@code clipG}: the same file under
 * {@value #SDXL_CLIP_G_PREFIX} for a checkpoint, another file for DualCLIPLoader).
 *
 * @param patches the LoRA files and merges applied to the encoders' weights (each encoder takes the keys it has)
 * @param family the model family the encoder belongs to (SD1's CLIP-L, SD2's OpenCLIP ViT-H and SDXL's pair encode today)
 * @param tokenizer supplied lazily: the vocabulary is read (or downloaded) on the first encode
 * @param clipG where SDXL's CLIP-G is; null for a CLIP-L alone
 */
public record ClipHandle(ModelManager manager, Path file, String prefix, ModelFamily family,
                         Supplier<Sd1Tokenizer> tokenizer, Integer lastLayer, WeightPatches patches, ClipGSource clipG)
        implements PatchableComponent {
    /** Where SDXL checkpoints keep CLIP-L (Hugging Face layout). */
    public static final String SDXL_CLIP_L_PREFIX = "conditioner.embedders.0.transformer.text_model.";
    /** Where SDXL checkpoints keep the OpenCLIP ViT-bigG text tower (open_clip layout). */
    public static final String SDXL_CLIP_G_PREFIX = "conditioner.embedders.1.model.";

    /** The file and key prefix of SDXL's CLIP-G, in the open_clip or the Hugging Face layout ({@link OpenClipTowerWeights}). */
    public record ClipGSource(Path file, String prefix) {}

    /** A CLIP-L alone (SD1.x). */
    public ClipHandle(ModelManager manager, Path file, String prefix, ModelFamily family,
                      Supplier<Sd1Tokenizer> tokenizer, Integer lastLayer) {
        this(manager, file, prefix, family, tokenizer, lastLayer, WeightPatches.NONE, null);
    }

    /** SDXL's pair: CLIP-L of {@code file} under {@code prefix}, CLIP-G at {@code clipG}. */
    public static ClipHandle sdxl(ModelManager manager, Path file, String prefix, ClipGSource clipG,
                                  Supplier<Sd1Tokenizer> tokenizer) {
        return new ClipHandle(manager, file, prefix, ModelFamily.SDXL, tokenizer, null, WeightPatches.NONE, clipG);
    }

    /**
     * The SDXL refiner's text encoder: CLIP-G alone ({@code SDXLRefinerClipModel}), from a refiner checkpoint or
     * a CLIP-G file given to CLIPLoader. Its cond is 1280 wide.
     */
    public static ClipHandle refiner(ModelManager manager, ClipGSource clipG, Supplier<Sd1Tokenizer> tokenizer) {
        return new ClipHandle(manager, clipG.file(), clipG.prefix(), ModelFamily.SDXL_REFINER, tokenizer, null,
                WeightPatches.NONE, clipG);
    }

    /** A clone encoding with the output of {@code layer} (-1 the last); shares the weights. */
    public ClipHandle withLastLayer(int layer) {
        return new ClipHandle(manager, file, prefix, family, tokenizer, layer, patches, clipG);
    }

    /** A clone with {@code patch} applied on top; shares the weights it does not patch. */
    public ClipHandle withPatch(WeightPatch patch) {
        if (!(patch instanceof LoraFilePatch)) requireSd1("merges on");
        else requireSd1OrSdxl("LoRA on");
        return new ClipHandle(manager, file, prefix, family, tokenizer, lastLayer, patches.with(patch), clipG);
    }

    /** ComfyUI's LoRA key names of this CLIP-L (or SD2's ViT-H) text encoder, mapped to the keys of {@code weights}. */
    @Override
    public Map<String, String> loraKeys(StateDict weights) {
        requireSd1OrSdxl("LoRA on");
        if (family == ModelFamily.SD2) return LoraKeyMap.clipH(weights.keys(), Sd2TextEncoder.NAMES);
        return LoraKeyMap.clipL(weights.keys(), prefix);
    }

    /** SD2's ViT-H is seen under ComfyUI's names ({@code clip_h.transformer.*}); CLIP-L under the file's own. */
    @Override
    public StateDict weightsView(StateDict file) {
        return viewHoldsThisComponentOnly() ? Sd2TextEncoder.weights(file, prefix) : StateDict.borrowed(file);
    }

    @Override
    public boolean viewHoldsThisComponentOnly() {
        return family == ModelFamily.SD2;
    }

    /** The text encoders whose weights patches reach: this CLIP-L, and SDXL's CLIP-G beside it. */
    public List<PatchableComponent> encoders() {
        if (family == ModelFamily.SDXL_REFINER) return List.of(clipGEncoder());
        return clipG == null ? List.of(this) : List.of(this, clipGEncoder());
    }

    /**
     * {@code CLIPTextEncode}: conditioning [1, 77*chunks, 768] and pooled [1, 768] for SD1, [.., 1024] and
     * [1, 1024] for SD2 (OpenCLIP ViT-H), [.., 2048] and [1, 1280] for SDXL, [.., 1280] and [1, 1280] for the
     * SDXL refiner, in the caller's scope.
     */
    public ClipOutput encode(String text) throws Exception {
        if (clipG != null) return encodeSdxl(sdxlTokenizer().tokenizeWithWeights(text));
        if (family != ModelFamily.SD2) requireSd1("encoding with");
        Sd1Tokenizer tok = tokenizer.get();
        try (var lease = acquire()) {
            Clip clip = family == ModelFamily.SD2 ? Sd2TextEncoder.encoder(tok, lease.model().get())
                    : new Clip(tok, lease.model().get());
            if (lastLayer != null) clip = clip.withLastLayer(lastLayer);
            ClipOutput out = clip.encode(text);
            lease.model().releaseMappedPages(); // used once per prompt: its pages need not stay resident while sampling
            return out;
        }
    }

    /** Whether this is SDXL's CLIP-L + CLIP-G pair. */
    public boolean isSdxl() {
        return family == ModelFamily.SDXL;
    }

    /** The SDXL tokenizer of this CLIP (the g and l streams); the CLIP must be SDXL's (base or refiner). */
    public SdxlTokenizer sdxlTokenizer() {
        if (clipG == null) {
            throw new PyError("RuntimeError", "ERROR: this node needs an SDXL CLIP (CLIP-L and CLIP-G); "
                    + file.getFileName() + " holds the text encoder of " + family.comfyName() + " models");
        }
        return new SdxlTokenizer(tokenizer.get());
    }

    /**
     * SDXL's encoding of prepared g and l token streams: cond [1, 77*chunks, 2048], pooled [1, 1280]; the
     * refiner encodes the g stream alone (cond 1280 wide).
     */
    public ClipOutput encodeSdxl(SdxlTokens tokens) throws Exception {
        SdxlTokenizer tok = sdxlTokenizer();
        if (family == ModelFamily.SDXL_REFINER) {
            try (var g = acquireClipG()) {
                Clip clip = Clip.sdxlEncoder(tok.g(), g.model().get());
                if (lastLayer != null) clip = clip.withLastLayer(lastLayer);
                ClipOutput out = clip.encodeFromTokens(tokens.g());
                g.model().releaseMappedPages();
                return out;
            }
        }
        try (var l = acquire(); var g = acquireClipG()) {
            SdxlClip clip = new SdxlClip(tok, l.model().get(), g.model().get());
            if (lastLayer != null) clip = clip.withLastLayer(lastLayer);
            ClipOutput out = clip.encodeFromTokens(tokens);
            l.model().releaseMappedPages();
            g.model().releaseMappedPages();
            return out;
        }
    }

    private void requireSd1(String what) {
        if (family == ModelFamily.SD1) return;
        throw unsupported(what, what.startsWith("merges") ? "SD1.x CLIP-L is" : "SD1.x CLIP-L, SD2.x and SDXL are");
    }

    private void requireSd1OrSdxl(String what) {
        if (family == ModelFamily.SD1 || family == ModelFamily.SD2 || family == ModelFamily.SDXL
                || family == ModelFamily.SDXL_REFINER) return;
        throw unsupported(what, "SD1.x CLIP-L, SD2.x and SDXL are");
    }

    private PyError unsupported(String what, String supported) {
        return new PyError("RuntimeError", "ERROR: " + what + " the text encoder of " + family.comfyName() + " models (in "
                + file.getFileName() + ") " + (what.endsWith(" with") ? "is" : "are") + " not supported yet; " + supported);
    }

    /** SDXL's OpenCLIP ViT-bigG, with this CLIP's patches. */
    private ClipGEncoder clipGEncoder() {
        return new ClipGEncoder(manager, clipG.file(), clipG.prefix(), patches, family != ModelFamily.SDXL_REFINER);
    }

    /** SDXL's OpenCLIP ViT-bigG, for the duration of one computation; weights stay fp16. */
    private ModelManager.Lease<LoadedComponent<ClipTextModel>> acquireClipG() throws Exception {
        return clipGEncoder().acquire();
    }

    /** The loaded text encoder, for the duration of one computation. */
    public ModelManager.Lease<LoadedComponent<ClipTextModel>> acquire() throws Exception {
        // The weights stay fp16 and are widened per layer at compute time (ComfyUI's manual cast).
        return ComponentLoads.acquire(manager, "CLIP", file, prefix, 1.0, this,
                weights -> family == ModelFamily.SD2 ? Sd2TextEncoder.fromWeights(weights, false)
                        : ClipTextModel.fromStateDict(weights, prefix));
    }

    @Override
    public String toString() {
        return "CLIP[" + file.getFileName() + (lastLayer == null ? "" : ", layer " + lastLayer)
                + (patches.isEmpty() ? "" : ", " + patches.steps().size() + " patches") + "]";
    }
}
