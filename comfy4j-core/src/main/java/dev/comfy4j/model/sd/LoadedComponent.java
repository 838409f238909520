package dev.comfy4j.model.sd;

import dev.comfy4j.model.LoadedModel;

/**
 * A model component as the {@link dev.comfy4j.model.ModelManager} keeps it: the component and the
 * bytes it holds. Closing it closes the component (and, through the component, the weights file it
 * may still map).
 */
public final class LoadedComponent<T extends AutoCloseable> implements LoadedModel {
    private final T component;
    private final long bytes;
    private final AutoCloseable[] alsoOwned;

    /** {@code alsoOwned} (such as the weights file the component maps) close after the component. */
    public LoadedComponent(T component, long bytes, AutoCloseable... alsoOwned) {
        this.component = component;
        this.bytes = bytes;
        this.alsoOwned = alsoOwned;
    }

    public T get() {
        return component;
    }

    @Override
    public long byteSize() {
        return bytes;
    }

    @Override
    public void close() {
        closeOrFail(component);
        for (AutoCloseable c : alsoOwned) closeOrFail(c);
    }

    private static void closeOrFail(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + c + " failed: " + e.getMessage(), e);
        }
    }
}
