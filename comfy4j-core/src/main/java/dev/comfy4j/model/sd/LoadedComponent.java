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
    private final Runnable pageRelease;
    private final AutoCloseable[] alsoOwned;

    /** {@code alsoOwned} (such as the weights file the component maps) close after the component. */
    public LoadedComponent(T component, long bytes, AutoCloseable... alsoOwned) {
        this(component, bytes, () -> {}, alsoOwned);
    }

    /** As {@link #LoadedComponent(AutoCloseable, long, AutoCloseable...)}; {@code pageRelease} does {@link #releaseMappedPages}. */
    LoadedComponent(T component, long bytes, Runnable pageRelease, AutoCloseable... alsoOwned) {
        this.component = component;
        this.bytes = bytes;
        this.pageRelease = pageRelease;
        this.alsoOwned = alsoOwned;
    }

    /**
     * Drops the memory-mapped file pages of the weights the component uses in place from the process's
     * resident memory (they stay in the page cache; the next use reads them back). For components used once
     * per prompt, such as the text encoders, so their pages do not stay resident while the UNet and the VAE run.
     */
    @Override
    public void releaseMappedPages() {
        pageRelease.run();
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
