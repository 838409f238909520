package dev.comfy4j.nodes.sampling;

import dev.comfy4j.python.PyError;
import java.util.Arrays;

/** The SIGMAS value: a descending noise schedule (ComfyUI's 1-D float32 tensor), held as floats. */
public record Sigmas(float[] values) {
    public Sigmas {
        values = values.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    public int length() {
        return values.length;
    }

    /** The SIGMAS input {@code name}, or a TypeError naming what came instead. */
    public static Sigmas from(Object value, String name) {
        if (value instanceof Sigmas s) return s;
        throw PyError.typeError(name + " must be SIGMAS, not " + (value == null ? "None" : value.getClass().getSimpleName()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sigmas s && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Sigmas" + Arrays.toString(values);
    }
}
