package dev.comfy4j.model.upscale;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads {@code models/upscale_models} files as ComfyUI's {@code UpscaleModelLoader} does with spandrel:
 * safetensors or a PyTorch zip checkpoint ({@code .pth}, read by the restricted unpickler), the state
 * dict unwrapped from spandrel's known wrappers ({@code params_ema}, {@code params}, ...) and common
 * prefixes ({@code module.}, {@code netG.}), then the architecture detected from the keys.
 */
public final class UpscaleModels {
    /** spandrel's {@code canonicalize_state_dict} wrapper keys, in its order ({@code model} is left out: see below). */
    private static final List<String> WRAPPERS = List.of("model_state_dict", "state_dict", "params_ema", "params-ema", "params", "net");
    private static final List<String> COMMON_PREFIXES = List.of("module.", "netG.");

    private UpscaleModels() {}

    /** The model in {@code file}, its weights copied to float32 on {@code device}; the caller closes it. */
    public static UpscaleModel load(Path file, Device device) throws ModelFileException {
        try (StateDict sd = ModelFiles.loadStateDict(file)) {
            Map<String, Tensor> tensors = canonical(sd.tensors());
            Set<String> keys = tensors.keySet();
            Weights weights = new Weights(tensors, device);
            String architecture = "ESRGAN";
            try {
                if (Compact.detect(keys)) {
                    architecture = "Compact (SRVGGNet)";
                    return Compact.build(keys, weights, device);
                }
                Esrgan.Layout layout = Esrgan.detect(keys);
                if (layout != null) return Esrgan.build(layout, keys, weights, device);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "is not a complete " + architecture + " upscale model: " + e.getMessage(), e);
            }
            throw new UnsupportedUpscaleModelException(file, unsupported(keys));
        }
    }

    /**
     * The tensors spandrel would detect the architecture on. A pickle checkpoint's nested dicts arrive
     * flattened ({@code params_ema.conv_first.weight}), so a wrapper is a key prefix here; a wrapped
     * state dict is used only when the unwrapped keys are a known layout, because the old ESRGAN layout's
     * own keys start with {@code model.} (spandrel's {@code model} wrapper).
     */
    static Map<String, Tensor> canonical(Map<String, Tensor> tensors) {
        List<Map<String, Tensor>> candidates = new ArrayList<>();
        candidates.add(tensors);
        for (String wrapper : WRAPPERS) {
            Map<String, Tensor> inner = withPrefixRemoved(tensors, wrapper + ".", false);
            if (!inner.isEmpty()) candidates.add(inner);
        }
        for (Map<String, Tensor> candidate : candidates) {
            Map<String, Tensor> c = candidate;
            for (String prefix : COMMON_PREFIXES) {
                Map<String, Tensor> stripped = withPrefixRemoved(c, prefix, true);
                if (!stripped.isEmpty()) c = stripped;
            }
            if (Compact.detect(c.keySet()) || Esrgan.detect(c.keySet()) != null) return c;
        }
        return tensors;
    }

    /** The entries under {@code prefix}, without it; with {@code all}, empty unless every key has the prefix. */
    private static Map<String, Tensor> withPrefixRemoved(Map<String, Tensor> tensors, String prefix, boolean all) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
            else if (all) return Map.of();
        }
        return out;
    }

    private static String unsupported(Set<String> keys) {
        String what = "";
        if (keys.stream().anyMatch(k -> k.contains("residual_group."))) what = " (it looks like a SwinIR/HAT-family transformer model)";
        else if (keys.isEmpty()) what = " (the file holds no tensors)";
        return "the upscale model's layout is not supported" + what
                + "; comfy4j runs ESRGAN (RRDBNet: old, new and BSRGAN key layouts, ESRGAN+), Real-ESRGAN and Real-ESRGAN Compact (SRVGGNet) models";
    }
}
