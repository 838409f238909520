package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Tensor;
import java.util.Map;

/**
 * What a model's {@code encode_adm} reads from one conditioning entry, as ComfyUI's
 * {@code encode_model_conds} hands it over: the pooled text embedding, the entry's numeric keys
 * ({@code width}, {@code height}, {@code crop_w}, {@code crop_h}, {@code target_width}, {@code target_height},
 * {@code aesthetic_score}) with the sampler's defaults already filled in, and the prompt type.
 *
 * @param pooled {@code pooled_output} [B, D], or null when the entry has none
 * @param values the numeric keys the entry (or the sampler's defaults) set
 * @param promptType {@code prompt_type}: "positive", "negative" (or another guider's name)
 */
public record AdmInputs(Tensor pooled, Map<String, Double> values, String promptType) {
    /** An entry that set nothing: no pooled output, no keys, no prompt type. */
    public static final AdmInputs NONE = new AdmInputs(null, Map.of(), null);

    public AdmInputs {
        values = Map.copyOf(values);
    }

    /** {@code kwargs.get(key, fallback)}. */
    public double value(String key, double fallback) {
        Double v = values.get(key);
        return v == null ? fallback : v;
    }

    /** The pooled output, checked to be {@code width} wide: a clear error for a missing or foreign one. */
    Tensor requirePooled(String model, long width) {
        if (pooled == null) {
            throw new IllegalArgumentException(model + " needs the conditioning's pooled_output, and this " + promptType
                    + " conditioning has none: encode the prompt with the checkpoint's own CLIP");
        }
        if (pooled.dim() != 2 || pooled.size(1) != width) {
            throw new IllegalArgumentException(model + " needs a pooled_output of width " + width + ", but the " + promptType
                    + " conditioning's is " + java.util.Arrays.toString(pooled.shape())
                    + ": encode the prompt with the checkpoint's own CLIP");
        }
        return pooled;
    }
}
