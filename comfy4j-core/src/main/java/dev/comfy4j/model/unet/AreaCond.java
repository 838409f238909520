package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Tensor;
import java.util.Objects;

/**
 * One conditioning entry as ComfyUI's {@code calc_cond_batch} reads it, after {@code process_conds}
 * resolved it for the latent being sampled: the cross-attention context plus where and when it applies.
 *
 * @param crossAttn the context [B, L, D]
 * @param area {@code [height, width, y, x]} in latent units, or null for the whole latent
 * @param strength the weight of the entry when conds are mixed ({@code strength}, 1 when absent)
 * @param mask the [B or 1, H, W] mask at the latent's size, or null ({@code mask}); when present the
 *     area's edges are not feathered
 * @param maskStrength the mask's factor ({@code mask_strength}, 1 when absent)
 * @param timestepStart the entry is skipped while sigma is above it ({@code timestep_start}), or null
 * @param timestepEnd the entry is skipped once sigma is below it ({@code timestep_end}), or null
 * @param control the ControlNet chain of the entry ({@code control}), or null; entries batch together only
 *     when they carry the same control object
 * @param y the extra UNet embedding the model's {@code encode_adm} made for this entry ({@code model_conds['y']},
 *     SDXL), [B or 1, D], or null for models without one
 */
public record AreaCond(Tensor crossAttn, int[] area, double strength, Tensor mask, double maskStrength,
        Double timestepStart, Double timestepEnd, Control control, Tensor y) {
    public AreaCond {
        Objects.requireNonNull(crossAttn, "crossAttn");
        if (area != null && area.length != 4) throw new IllegalArgumentException("an area is [height, width, y, x]");
        area = area == null ? null : area.clone();
    }

    /** An entry without extra embedding. */
    public AreaCond(Tensor crossAttn, int[] area, double strength, Tensor mask, double maskStrength, Double timestepStart,
            Double timestepEnd, Control control) {
        this(crossAttn, area, strength, mask, maskStrength, timestepStart, timestepEnd, control, null);
    }

    /** An entry without ControlNet. */
    public AreaCond(Tensor crossAttn, int[] area, double strength, Tensor mask, double maskStrength, Double timestepStart,
            Double timestepEnd) {
        this(crossAttn, area, strength, mask, maskStrength, timestepStart, timestepEnd, null, null);
    }

    /** A whole-image entry: the context alone, as a text encoder's output reaches the sampler. */
    public static AreaCond whole(Tensor crossAttn) {
        return new AreaCond(crossAttn, null, 1.0, null, 1.0, null, null);
    }

    @Override
    public int[] area() {
        return area == null ? null : area.clone();
    }

    public AreaCond withArea(int[] newArea) {
        return new AreaCond(crossAttn, newArea, strength, mask, maskStrength, timestepStart, timestepEnd, control, y);
    }

    public AreaCond withCrossAttn(Tensor context) {
        return new AreaCond(context, area, strength, mask, maskStrength, timestepStart, timestepEnd, control, y);
    }

    /** A copy with another extra embedding. */
    public AreaCond withY(Tensor newY) {
        return new AreaCond(crossAttn, area, strength, mask, maskStrength, timestepStart, timestepEnd, control, newY);
    }

    public AreaCond withControl(Control newControl) {
        return new AreaCond(crossAttn, area, strength, mask, maskStrength, timestepStart, timestepEnd, newControl, y);
    }
}
