package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.vae.AutoencoderKL;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The weights of a MODEL, CLIP or VAE as ComfyUI's save nodes write them: ComfyUI's key names
 * ({@code state_dict_for_saving}: {@code model.diffusion_model.*}, {@code cond_stage_model.transformer.text_model.*},
 * {@code first_stage_model.*}, or the bare names of CLIPSave and VAESave), with the component's weight
 * patches applied (a LoRA'd or merged model saves its merged weights) and each weight rounded back to the
 * dtype it is stored in, as ComfyUI's patcher rounds a patched weight to the weight's dtype. The text
 * encoder is saved in fp16, ComfyUI's text-encoder dtype.
 *
 * <p>An open value holds the file's mapping and the patched float32 copies; the tensors to write are made
 * one at a time while the file is written ({@link SafetensorsWriter.Entry}). Close it after writing.
 */
public final class SavedWeights implements AutoCloseable {
    /** The key prefix of the UNet in a saved checkpoint (ComfyUI's {@code unet_key_prefix}). */
    public static final String CHECKPOINT_UNET = "model.diffusion_model.";
    /** The key prefix of SD1's CLIP-L in a saved checkpoint. */
    public static final String CHECKPOINT_CLIP = "cond_stage_model.transformer.text_model.";
    /** The key prefix of the VAE in a saved checkpoint. */
    public static final String CHECKPOINT_VAE = "first_stage_model.";

    private static final Pattern VAE_ATTENTION = Pattern.compile(".*\\.attn_1\\.(q|k|v|proj_out)\\.weight");

    private final List<SafetensorsWriter.Entry> entries;
    private final List<AutoCloseable> held;

    private SavedWeights(List<SafetensorsWriter.Entry> entries, List<AutoCloseable> held) {
        this.entries = List.copyOf(entries);
        this.held = List.copyOf(held);
    }

    /** Entries made by the caller (marker keys), holding nothing. */
    public static SavedWeights of(List<SafetensorsWriter.Entry> entries) {
        return new SavedWeights(entries, List.of());
    }

    public List<SafetensorsWriter.Entry> entries() {
        return entries;
    }

    /** The UNet of {@code model}, keys under {@code keyPrefix} ({@link #CHECKPOINT_UNET} in ComfyUI's files). */
    public static SavedWeights unet(ModelHandle model, String keyPrefix) throws Exception {
        return open(model.manager(), model, model.prefix(), keyPrefix, rel -> rel, stored -> stored);
    }

    /**
     * The text encoder of {@code clip}, keys under {@code keyPrefix} ({@link #CHECKPOINT_CLIP} in a checkpoint,
     * {@code text_model.} for CLIPSave). ComfyUI's model has no {@code position_ids}, so none is saved.
     */
    public static SavedWeights clip(ClipHandle clip, String keyPrefix) throws Exception {
        if (clip.family() != ModelFamily.SD1) {
            throw new PyError("RuntimeError", "saving the text encoders of " + clip.family().comfyName() + " models (in "
                    + clip.file().getFileName() + ") is not supported yet; SD1.x CLIP-L is");
        }
        return open(clip.manager(), clip, clip.prefix(), keyPrefix,
                rel -> rel.equals("embeddings.position_ids") ? null : rel,
                stored -> stored.isFloatingPoint() ? DType.F16 : stored);
    }

    /** The VAE of {@code vae} under ComfyUI's LDM key names, below {@code keyPrefix} ({@link #CHECKPOINT_VAE} or empty). */
    public static SavedWeights vae(VaeHandle vae, String keyPrefix) throws Exception {
        ModelManager.Lease<ModelManager.LoadedStateDict> lease = vae.manager().checkpoint(vae.file());
        try {
            StateDict sd = lease.model().stateDict();
            Map<String, Tensor> own = new LinkedHashMap<>();
            sd.tensors().forEach((k, t) -> {
                if (k.startsWith(vae.prefix())) own.put(k.substring(vae.prefix().length()), t);
            });
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            AutoencoderKL.ldmNames(own).forEach((name, t) -> {
                if (!isVaeParameter(name)) return; // such as an old checkpoint's training loss weights
                // ComfyUI's attention projections are 1x1 convolutions; diffusers files store them as linear weights.
                long[] shape = VAE_ATTENTION.matcher(name).matches() && t.dim() == 2
                        ? new long[] {t.size(0), t.size(1), 1, 1} : t.shape();
                entries.add(new SafetensorsWriter.Entry(keyPrefix + name, t.dtype(), shape,
                        () -> shape.length == t.dim() ? t : t.reshape(shape)));
            });
            return new SavedWeights(entries, List.of(lease));
        } catch (Exception | Error e) {
            lease.close();
            throw e;
        }
    }

    /** Whether {@code name} (LDM layout) is a weight of ComfyUI's AutoencoderKL, which is what it saves. */
    static boolean isVaeParameter(String name) {
        return name.startsWith("encoder.") || name.startsWith("decoder.") || name.startsWith("quant_conv.")
                || name.startsWith("post_quant_conv.");
    }

    /**
     * The weights of {@code component} under {@code prefix}, patched, renamed by {@code rename} (null drops
     * a key) below {@code keyPrefix}, in the dtype {@code dtype} gives for each stored dtype.
     */
    private static SavedWeights open(ModelManager manager, PatchableComponent component, String prefix, String keyPrefix,
                                     UnaryOperator<String> rename, UnaryOperator<DType> dtype) throws Exception {
        ModelManager.Lease<ModelManager.LoadedStateDict> lease = manager.checkpoint(component.file());
        StateDict base = null;
        StateDict patched = null;
        try {
            base = component.weightsView(lease.model().stateDict());
            patched = component.patches().isEmpty() ? base : component.patches().applyTo(base, component);
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            for (String key : base.keys()) {
                if (!key.startsWith(prefix)) continue;
                String name = rename.apply(key.substring(prefix.length()));
                if (name == null) continue;
                Tensor t = patched.get(key);
                DType target = dtype.apply(base.get(key).dtype());
                entries.add(new SafetensorsWriter.Entry(keyPrefix + name, target, t.shape(),
                        () -> t.dtype() == target ? t : t.to(target)));
            }
            List<AutoCloseable> held = new ArrayList<>();
            if (patched != base) held.add(patched);
            held.add(base);
            held.add(lease);
            return new SavedWeights(entries, held);
        } catch (Exception | Error e) {
            if (patched != null && patched != base) patched.close();
            if (base != null) base.close();
            lease.close();
            throw e;
        }
    }

    /**
     * The entries of {@code parts} in the order the safetensors library writes them (ComfyUI saves through
     * it): by dtype, widest first in the library's dtype order, then by name.
     */
    public static List<SafetensorsWriter.Entry> fileOrder(List<SafetensorsWriter.Entry> entries) {
        List<SafetensorsWriter.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt((SafetensorsWriter.Entry e) -> -safetensorsRank(e.dtype()))
                .thenComparing(SafetensorsWriter.Entry::name));
        return sorted;
    }

    /** The position of a dtype in the safetensors library's {@code Dtype} enum, whose order the files follow. */
    static int safetensorsRank(DType dtype) {
        return switch (dtype) {
            case BOOL -> 0;
            case U8 -> 1;
            case I8 -> 2;
            case F8_E5M2 -> 3;
            case F8_E4M3 -> 4;
            case I16 -> 5;
            case U16 -> 6;
            case F16 -> 7;
            case BF16 -> 8;
            case I32 -> 9;
            case U32 -> 10;
            case F32 -> 11;
            case F64 -> 12;
            case I64 -> 13;
            case U64 -> 14;
        };
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable c : held) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("could not release the saved weights", e);
            }
        }
        if (failure != null) throw failure;
    }
}
