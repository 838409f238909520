package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Tensor;

/**
 * One patch of one weight, as a LoRA-family file stores it. {@link #applyTo} adds the patch, scaled
 * by {@code strength}, to a float32 weight in place, with ComfyUI's arithmetic.
 */
public sealed interface WeightAdapter
        permits LoraAdapter, LohaAdapter, LokrAdapter, GloraAdapter, OftAdapter, BoftAdapter, DiffAdapter, SetAdapter {
    /**
     * Number of elements of the weight this patch produces, to check it against its target; for the
     * adapters that transform the weight itself (GLoRA, OFT, BOFT) the size of what they transform, as
     * their {@link #misfit} explains.
     */
    long deltaNumel();

    /**
     * Why this patch cannot apply to a weight of {@code shape} (as "has N values, the weight [..] has M"),
     * or null when it fits. Adapters that transform the weight itself (GLoRA, OFT, BOFT) check its rows.
     */
    default String misfit(long[] shape) {
        long numel = 1;
        for (long d : shape) numel *= d;
        return deltaNumel() == numel ? null
                : "has " + deltaNumel() + " values, the weight " + java.util.Arrays.toString(shape) + " has " + numel;
    }

    /** Adds the patch times {@code strength} to {@code weight} (float32, contiguous), in place. */
    void applyTo(Tensor weight, double strength);
}
