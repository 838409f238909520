package dev.comfy4j.python;

/**
 * An error that carries the Python exception type ComfyUI would report ({@code KeyError},
 * {@code ValueError}, {@code graph.DependencyCycleError}, ...). Clients display {@code exception_type}
 * and {@code str(exception)}, so keeping Python's names keeps error messages familiar.
 */
public class PyError extends RuntimeException {
    private final String pythonType;

    public PyError(String pythonType, String message) {
        super(message, null, false, true);
        this.pythonType = pythonType;
    }

    public PyError(String pythonType, String message, Throwable cause) {
        super(message, cause, false, true);
        this.pythonType = pythonType;
    }

    /** The exception's name as Python prints it: the bare name for builtins, else module.QualName. */
    public String pythonType() {
        return pythonType;
    }

    /** {@code str(exception)}: for a KeyError that is the repr of the key. */
    public String pythonMessage() {
        return getMessage() == null ? "" : getMessage();
    }

    public static PyError keyError(Object key) {
        return new PyError("KeyError", PyRepr.repr(key));
    }

    public static PyError valueError(String message) {
        return new PyError("ValueError", message);
    }

    public static PyError typeError(String message) {
        return new PyError("TypeError", message);
    }
}
