package dev.comfy4j.nodes.controlnet;

import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.python.PyError;
import dev.comfy4j.sampling.control.ControlSpec;
import dev.comfy4j.tensor.Tensor;

/** The inputs the ControlNet apply nodes share. */
final class ControlNetInputs {
    private ControlNetInputs() {}

    static Input strength() {
        return Input.floating("strength").defaultValue(1.0).min(0.0).max(10.0).step(0.01);
    }

    static Input startPercent() {
        return Input.floating("start_percent").defaultValue(0.0).min(0.0).max(1.0).step(0.001);
    }

    static Input endPercent() {
        return Input.floating("end_percent").defaultValue(1.0).min(0.0).max(1.0).step(0.001);
    }

    static ControlNetHandle controlNet(NodeInputs in) {
        Object v = in.get("control_net");
        if (v instanceof ControlNetHandle h) return h;
        throw PyError.typeError("control_net must be a CONTROL_NET, not " + (v == null ? "None" : v.getClass().getSimpleName()));
    }

    /** The IMAGE hint [B, H, W, C]. */
    static Tensor image(NodeInputs in) {
        Object v = in.get("image");
        if (v instanceof Tensor t && t.dim() == 4) return t;
        throw PyError.typeError("image must be an IMAGE [B, H, W, C], not " + (v == null ? "None" : v));
    }

    /** The {@code control} of an entry, or null ({@code d.get('control', None)}). */
    static ControlSpec previous(Object value) {
        if (value == null || value instanceof ControlSpec) return (ControlSpec) value;
        throw PyError.typeError("the conditioning's control is not a ControlNet: " + value.getClass().getSimpleName());
    }
}
