package dev.comfy4j.model.patch;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LoRA files applied to one model component, in the order the LoRA loaders chained them. A value:
 * it names files and strengths, and the weights are patched when the component is loaded
 * ({@link #applyTo}), so a workflow's MODEL and CLIP stay cheap to pass around and to cache.
 */
public record LoraStack(List<Application> applications) {
    private static final Logger LOG = LoggerFactory.getLogger(LoraStack.class);

    public static final LoraStack NONE = new LoraStack(List.of());

    /**
     * One LoRA file at one strength. The file's size and modification time are part of its identity,
     * so a replaced file is read again instead of reusing weights patched from the old one.
     */
    public record Application(Path file, long size, long modifiedMillis, double strength) {
        static Application of(Path file, double strength) throws java.io.IOException {
            Path abs = file.toAbsolutePath().normalize();
            return new Application(abs, Files.size(abs), Files.getLastModifiedTime(abs).toMillis(), strength);
        }

        String identity() {
            return file + "@" + size + "/" + modifiedMillis + "*" + strength;
        }
    }

    public LoraStack {
        applications = List.copyOf(applications);
    }

    /** This stack with {@code file} applied on top at {@code strength}. */
    public LoraStack with(Path file, double strength) throws java.io.IOException {
        List<Application> more = new ArrayList<>(applications);
        more.add(Application.of(file, strength));
        return new LoraStack(more);
    }

    public boolean isEmpty() {
        return applications.isEmpty();
    }

    /** Identifies the patched weights: empty for none, else the files, their versions and strengths. */
    public String cacheKey() {
        return applications.stream().map(Application::identity).collect(Collectors.joining("|"));
    }

    /**
     * {@code base} with every LoRA of the stack added to the weights it patches, in order, as
     * float32 copies (ComfyUI's {@code calculate_weight} in its float32 intermediate dtype). The base
     * is untouched; the returned view owns only the patched copies.
     *
     * @param keyMap the LoRA key names of the component, from its state dict's keys
     */
    public StateDict applyTo(StateDict base, Function<StateDict, Map<String, String>> keyMap) throws Exception {
        Map<String, String> keys = keyMap.apply(base);
        Map<String, Tensor> patched = new LinkedHashMap<>();
        try {
            for (Application a : applications) {
                try (StateDict lora = ModelFiles.loadStateDict(a.file())) {
                    LoraFormat format = LoraFormat.read(lora.tensors(), keys);
                    for (Map.Entry<String, WeightAdapter> e : format.patches().entrySet()) {
                        if (!base.contains(e.getKey())) {
                            LOG.warn("could not patch. key doesn't exist in model: {}", e.getKey());
                            continue;
                        }
                        try (TensorScope ignored = TensorScope.open()) {
                            Tensor w = patched.get(e.getKey());
                            if (w == null) {
                                w = base.get(e.getKey()).to(DType.F32).clone().escapeScope();
                                patched.put(e.getKey(), w);
                            }
                            e.getValue().applyTo(w, a.strength());
                        }
                    }
                }
            }
        } catch (Exception | Error e) {
            patched.values().forEach(Tensor::close);
            throw e;
        }
        LOG.debug("patched {} weights with {} LoRA file(s)", patched.size(), applications.size());
        return StateDict.overlay(base, patched);
    }
}
