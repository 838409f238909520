package dev.comfy4j.nodes;

import dev.comfy4j.tensor.Tensor;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A node value that owns tensors (LATENT, CONDITIONING): the engine's output cache counts references
 * to them and closes them when the last cache entry holding them goes, and node scopes let them escape.
 *
 * <p>A value that only borrows tensors does not implement this: a MODEL, CLIP or VAE output is a handle
 * on weights that belong to the model manager, and nothing else may free them.
 */
public interface HoldsTensors {
    /** Calls {@code action} on every tensor this value owns (the same tensor may come twice). */
    void forEachTensor(Consumer<Tensor> action);

    /**
     * Every tensor owned by a node value: a tensor itself, a {@link HoldsTensors}, and the values of
     * maps, lists and arrays, recursively. Other objects hold none.
     */
    static void forEach(Object value, Consumer<Tensor> action) {
        switch (value) {
            case null -> { }
            case Tensor t -> action.accept(t);
            case HoldsTensors h -> h.forEachTensor(action);
            case Map<?, ?> m -> m.values().forEach(v -> forEach(v, action));
            case Iterable<?> it -> it.forEach(v -> forEach(v, action));
            case Object[] array -> { for (Object v : array) forEach(v, action); }
            default -> { }
        }
    }
}
