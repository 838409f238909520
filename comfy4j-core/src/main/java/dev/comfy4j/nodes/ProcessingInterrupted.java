package dev.comfy4j.nodes;

/** Thrown by the interrupt check: the running prompt stops with {@code execution_interrupted}. */
public final class ProcessingInterrupted extends RuntimeException {
    public ProcessingInterrupted() {
        super("Processing interrupted", null, false, false);
    }
}
