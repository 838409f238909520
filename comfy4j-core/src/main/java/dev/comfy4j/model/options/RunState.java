package dev.comfy4j.model.options;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * State a patch keeps across the steps of one sampling run (APG's running average), keyed by the patch
 * instance; closed when the run ends. ComfyUI keeps it in the patch's closure for the life of the MODEL and resets it when the sigma
 * rises; a run always starts at its highest sigma, so state per run gives the same numbers.
 */
public final class RunState implements AutoCloseable {
    private final Map<Object, Object> values = new IdentityHashMap<>();

    @SuppressWarnings("unchecked")
    public <T> T get(Object owner, Supplier<T> initial) {
        return (T) values.computeIfAbsent(owner, k -> initial.get());
    }

    /** Closes the values that hold resources (tensors kept across steps). */
    @Override
    public void close() {
        for (Object v : values.values()) {
            if (v instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing a patch's run state failed: " + e.getMessage(), e);
                }
            }
        }
        values.clear();
    }
}
