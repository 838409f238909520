package dev.comfy4j.sampling.control;

import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.tensor.Tensor;

/**
 * A ControlNet applied to a conditioning entry, as the apply nodes leave it under the entry's {@code control}
 * key: ComfyUI's {@code ControlBase} after {@code set_cond_hint} and {@code set_previous_controlnet}. The
 * sampler opens one {@link ControlRun} per distinct object (identity matters: the positive and negative
 * entries of one apply node share it, and then batch together).
 */
public interface ControlSpec {
    /** The network. */
    ControlNetHandle controlNet();

    /** The hint as the IMAGE input gave it, [B, H, W, C]. */
    Tensor image();

    double strength();

    /** Fraction of the schedule where the control starts ({@code timestep_percent_range[0]}). */
    double startPercent();

    /** Fraction of the schedule where it stops. */
    double endPercent();

    /** The ControlNet applied before this one on the same entry, or null. */
    ControlSpec previous();
}
