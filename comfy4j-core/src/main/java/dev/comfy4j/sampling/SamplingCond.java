package dev.comfy4j.sampling;

import dev.comfy4j.model.unet.AdmInputs;
import dev.comfy4j.sampling.control.ControlSpec;
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
 * @param control {@code control}: the entry's ControlNet chain, or null
 * @param controlApplyToUncond {@code control_apply_to_uncond} (set by the old ControlNetApply node): the
 *     sampler gives the control to a negative entry as well
 * @param adm what the model's {@code encode_adm} reads from the entry: {@code pooled_output}, the size and score
 *     keys it set and its {@code prompt_type} (null: not set; the sampler fills in its defaults); null for none
 */
public record SamplingCond(Tensor crossAttn, double[] area, boolean areaIsPercentage, Double strength, Tensor mask,
        boolean setAreaToBounds, Double maskStrength, Double startPercent, Double endPercent, ControlSpec control,
        boolean controlApplyToUncond, AdmInputs adm) {
    public SamplingCond {
        Objects.requireNonNull(crossAttn, "crossAttn");
        if (area != null && area.length != 4) throw new IllegalArgumentException("an area has 4 values: height, width, y, x");
        area = area == null ? null : area.clone();
    }

    /** An entry without pooled output or sizes. */
    public SamplingCond(Tensor crossAttn, double[] area, boolean areaIsPercentage, Double strength, Tensor mask,
            boolean setAreaToBounds, Double maskStrength, Double startPercent, Double endPercent, ControlSpec control,
            boolean controlApplyToUncond) {
        this(crossAttn, area, areaIsPercentage, strength, mask, setAreaToBounds, maskStrength, startPercent, endPercent, control,
                controlApplyToUncond, null);
    }

    /** An entry without ControlNet. */
    public SamplingCond(Tensor crossAttn, double[] area, boolean areaIsPercentage, Double strength, Tensor mask,
            boolean setAreaToBounds, Double maskStrength, Double startPercent, Double endPercent) {
        this(crossAttn, area, areaIsPercentage, strength, mask, setAreaToBounds, maskStrength, startPercent, endPercent, null, false);
    }

    /** A copy with another control ({@code n[name] = ...} of {@code apply_empty_x_to_equal_area}). */
    public SamplingCond withControl(ControlSpec newControl) {
        return new SamplingCond(crossAttn, area, areaIsPercentage, strength, mask, setAreaToBounds, maskStrength, startPercent,
                endPercent, newControl, controlApplyToUncond, adm);
    }

    /**
     * A copy whose {@code prompt_type} is {@code type}: always with {@code override} (a guider's
     * {@code conditioning_set_values(..., {"prompt_type": ...})}), else only where the entry has none.
     */
    public SamplingCond withPromptType(String type, boolean override) {
        AdmInputs old = adm == null ? AdmInputs.NONE : adm;
        if (!override && old.promptType() != null) return this;
        return new SamplingCond(crossAttn, area, areaIsPercentage, strength, mask, setAreaToBounds, maskStrength, startPercent,
                endPercent, control, controlApplyToUncond, new AdmInputs(old.pooled(), old.values(), type));
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
