package dev.comfy4j.nodes;

import dev.comfy4j.python.PyError;

/**
 * FLOAT inputs that must be finite numbers: ComfyUI's range check lets NaN through (every comparison
 * with it is false), and a NaN strength or ratio silently turns every patched weight into NaN.
 */
public final class FiniteFloats {
    private FiniteFloats() {}

    public static double of(NodeInputs in, String name) {
        double v = in.floating(name);
        if (!Double.isFinite(v)) throw new PyError("ValueError", name + " must be a finite number, not " + v);
        return v;
    }
}
