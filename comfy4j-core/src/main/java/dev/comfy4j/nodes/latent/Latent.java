package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.HoldsTensors;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * ComfyUI's LATENT value, the dict {@code {"samples": [B,C,h,w], "noise_mask"?: [B,1,H,W],
 * "batch_index"?: [int, ...]}}, as a record.
 *
 * <p>Immutable, like {@link dev.comfy4j.nodes.conditioning.Conditioning}: ComfyUI's nodes copy the dict
 * ({@code samples.copy()}) and set keys on the copy, so every {@code with...} here returns a new value
 * sharing the untouched tensors. The tensors are owned by whoever produced them (for node outputs:
 * the engine's output cache, which releases them when its last entry holding them goes).
 *
 * @param samples the latent batch, never null
 * @param noiseMask where to denoise (SetLatentNoiseMask), or null when the key is absent
 * @param batchIndex the noise index of each sample (the seed behaviour of batches), or null when absent
 */
public record Latent(Tensor samples, Tensor noiseMask, List<Long> batchIndex) implements HoldsTensors {
    public Latent {
        Objects.requireNonNull(samples, "samples");
        if (batchIndex != null) batchIndex = Collections.unmodifiableList(new ArrayList<>(batchIndex));
    }

    /** {@code {"samples": samples}}. */
    public static Latent of(Tensor samples) {
        return new Latent(samples, null, null);
    }

    /** A node input that must be a LATENT, with Python's errors otherwise (a dict without samples: KeyError). */
    public static Latent from(Object value, String inputName) {
        if (value instanceof Latent l) return l;
        if (value instanceof Map<?, ?> m) return fromDict(m);
        throw PyError.typeError(inputName + " must be a LATENT dict, not "
                + (value == null ? "None" : value.getClass().getSimpleName()));
    }

    /** The record of a Python-shaped dict (recorded goldens, custom producers); other keys are dropped. */
    public static Latent fromDict(Map<?, ?> dict) {
        if (!(dict.get("samples") instanceof Tensor samples)) throw PyError.keyError("samples");
        Tensor mask = dict.get("noise_mask") instanceof Tensor t ? t : null;
        return new Latent(samples, mask, dict.get("batch_index") instanceof List<?> l ? longs(l) : null);
    }

    /** The dict ComfyUI would hold, keys in its order; absent optional keys are left out. */
    public Map<String, Object> asDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", samples);
        if (noiseMask != null) m.put("noise_mask", noiseMask);
        if (batchIndex != null) m.put("batch_index", new ArrayList<Object>(batchIndex));
        return m;
    }

    @Override
    public void forEachTensor(Consumer<Tensor> action) {
        action.accept(samples);
        if (noiseMask != null) action.accept(noiseMask);
    }

    public Latent withSamples(Tensor newSamples) {
        return new Latent(newSamples, noiseMask, batchIndex);
    }

    /** With this noise mask; null removes the key. */
    public Latent withNoiseMask(Tensor mask) {
        return new Latent(samples, mask, batchIndex);
    }

    /** With this batch_index; null removes the key. */
    public Latent withBatchIndex(List<? extends Number> indices) {
        return new Latent(samples, noiseMask, indices == null ? null : longs(indices));
    }

    private static List<Long> longs(List<?> values) {
        List<Long> out = new ArrayList<>(values.size());
        for (Object o : values) {
            if (!(o instanceof Number n)) throw PyError.typeError("batch_index must hold ints, not " + o);
            out.add(n.longValue());
        }
        return out;
    }
}
