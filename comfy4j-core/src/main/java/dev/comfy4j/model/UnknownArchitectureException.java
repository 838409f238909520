package dev.comfy4j.model;

/** The state dict matches none of the supported model families. */
public final class UnknownArchitectureException extends Exception {
    public UnknownArchitectureException(String message) {
        super(message);
    }
}
