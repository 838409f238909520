package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Tensor;

/**
 * One patch of one weight, as a LoRA-family file stores it. {@link #applyTo} adds the patch, scaled
 * by {@code strength}, to a float32 weight in place, with ComfyUI's arithmetic.
 */
public sealed interface WeightAdapter permits LoraAdapter, LohaAdapter, LokrAdapter, DiffAdapter, SetAdapter {
    /** Number of elements of the weight this patch produces, to check it against its target. */
    long deltaNumel();

    /** Adds the patch times {@code strength} to {@code weight} (float32, contiguous), in place. */
    void applyTo(Tensor weight, double strength);
}
