package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.HoldsTensors;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Shared plumbing of the image, mask and latent nodes: tensor ownership of node outputs and
 * Python-style input checks (the pixel conversions are {@link dev.comfy4j.imaging.Pixels}).
 *
 * <p>Ownership: a node computes inside a {@link TensorScope} that frees every temporary, and its
 * results leave the scope with {@link Tensor#escapeScope()}. They are then owned by the engine's
 * output cache, which counts the entries holding each tensor (one tensor may sit in several entries:
 * a node that passes its input through returns the same tensor) and closes it when the last one goes.
 * So a node never closes its outputs or its inputs, and never keeps them after it returns.
 */
public final class ImageSupport {
    private ImageSupport() {}

    /** Runs {@code body} in a fresh scope and returns its tensor result, owned by the caller. */
    public static Tensor compute(Supplier<Tensor> body) {
        try (TensorScope ignored = TensorScope.open()) {
            return body.get().escapeScope();
        }
    }

    /** Runs {@code body} in a fresh scope; every tensor found in its result (a LATENT, a list) leaves the scope. */
    public static <T> T computeValue(Supplier<T> body) {
        try (TensorScope ignored = TensorScope.open()) {
            T value = body.get();
            escapeAll(value);
            return value;
        }
    }

    private static void escapeAll(Object value) {
        HoldsTensors.forEach(value, Tensor::escapeScope);
    }

    /** An insertion-ordered map from alternating keys and values (object_info option dicts). */
    public static Map<String, Object> orderedMap(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    /** A tensor input, with a Python-style error when something else arrives. */
    public static Tensor tensor(Object value, String what) {
        if (value instanceof Tensor t) return t;
        throw PyError.typeError(what + " must be a tensor, not " + (value == null ? "None" : value.getClass().getSimpleName()));
    }

    /** Python's round(): half to even. */
    public static long pyRound(double v) {
        return (long) Math.rint(v);
    }
}
