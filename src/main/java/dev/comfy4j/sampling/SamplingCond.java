package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;
import java.util.Objects;

/**
 * One CONDITIONING entry as the sampler receives it from the nodes, before it is resolved for the
 * latent being sampled ({@link CondResolver}). Null fields are keys the entry's dict does not have.
 *
 * @param crossAttn the token embeddings [B, L, D]
 * @param area {@code [height, width, y, x]}: latent units, or fractions of the latent when
 *     {@code areaIsPercentage} ({@code ("percentage", h, w, y, x)}); null without an area
 * @param areaIsPercentage whether {@code area} holds fractions
 * @param strength {@code strength}, or null
 * @param mask {@code mask} [B, H, W] or [H, W] at any size, or null
 * @param setAreaToBounds {@code set_area_to_bounds}: the area becomes the mask's bounding box
 * @param maskStrength {@code mask_strength}, or null
 * @param startPercent {@code start_percent}, or null
 * @param endPercent {@code end_percent}, or null
 */
public record SamplingCond(Tensor crossAttn, double[] area, boolean areaIsPercentage, Double strength, Tensor mask,
        boolean setAreaToBounds, Double maskStrength, Double startPercent, Double endPercent) {
    public SamplingCond {
        Objects.requireNonNull(crossAttn, "crossAttn");
        if (area != null && area.length != 4) throw new IllegalArgumentException("an area has 4 values: height, width, y, x");
        area = area == null ? null : area.clone();
    }

    /** An entry with only the context, as CLIPTextEncode gives it. */
    public static SamplingCond of(Tensor crossAttn) {
        return new SamplingCond(crossAttn, null, false, null, null, false, null, null, null);
    }

    @Override
    public double[] area() {
        return area == null ? null : area.clone();
    }
}
