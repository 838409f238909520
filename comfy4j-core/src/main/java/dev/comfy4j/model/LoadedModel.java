package dev.comfy4j.model;

/** Something the {@link ModelManager} keeps in memory: it knows its size and frees itself on close. */
public interface LoadedModel extends AutoCloseable {
    /** Bytes this model holds (RAM or device memory). */
    long byteSize();

    /**
     * Drops the memory-mapped file pages of the weights this model uses in place from the process's resident
     * memory; they stay in the page cache and the next use reads them back. Nothing for models without such weights.
     */
    default void releaseMappedPages() {}

    @Override
    void close();
}
