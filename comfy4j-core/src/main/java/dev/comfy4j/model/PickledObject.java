package dev.comfy4j.model;

import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * A PyTorch checkpoint read whole ({@link ModelFiles#loadPickledObject}): {@code root} is the unpickled
 * object built of {@link java.util.Map}s (keys {@link String} or {@link Long}), {@link List}s (tuples
 * too), {@link Long}, {@link Double}, {@link Boolean}, {@link String} and {@link Tensor}s. It owns the
 * tensors; {@link #close()} frees them.
 */
public final class PickledObject implements AutoCloseable {
    private final Object root;
    private final List<Tensor> tensors;

    PickledObject(Object root, List<Tensor> tensors) {
        this.root = root;
        this.tensors = List.copyOf(tensors);
    }

    public Object root() {
        return root;
    }

    @Override
    public void close() {
        tensors.forEach(Tensor::close);
    }
}
