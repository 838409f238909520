package dev.comfy4j.nodes;

import dev.comfy4j.python.PyError;

/**
 * A node failure reported with a Python exception type ({@code ValueError}, {@code RuntimeError},
 * ...), the way ComfyUI clients expect {@code exception_type}. Any other exception works too; its
 * type is mapped to a Python-like name.
 */
public class NodeException extends PyError {
    public NodeException(String pythonType, String message) {
        super(pythonType, message);
    }

    public static NodeException valueError(String message) {
        return new NodeException("ValueError", message);
    }

    public static NodeException runtimeError(String message) {
        return new NodeException("RuntimeError", message);
    }
}
