package dev.comfy4j.model;

/** Something the {@link ModelManager} keeps in memory: it knows its size and frees itself on close. */
public interface LoadedModel extends AutoCloseable {
    /** Bytes this model holds (RAM or device memory). */
    long byteSize();

    @Override
    void close();
}
