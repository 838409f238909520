package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.python.PyError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;
import java.util.regex.PatternSyntaxException;

/**
 * How a Java exception is reported in ComfyUI's terms: {@code exception_type} (a Python-like name),
 * {@code str(exception)} and a traceback list of {@code "  File ..., line N, in f\n"} strings.
 * Exceptions that carry their Python type ({@link PyError}) keep it; common Java types map to the
 * Python builtin with the same meaning; the rest report their simple class name.
 */
public record PythonException(String type, String message, ArrayNode traceback) {
    private static final int MAX_FRAMES = 12;

    public static PythonException of(Throwable t) {
        return new PythonException(typeOf(t), messageOf(t), traceback(t));
    }

    static String typeOf(Throwable t) {
        return switch (t) {
            case PyError p -> p.pythonType();
            case PatternSyntaxException e -> "re.error";
            case ArithmeticException e -> "ZeroDivisionError";
            case IndexOutOfBoundsException e -> "IndexError";
            case NoSuchElementException e -> "KeyError";
            case ClassCastException e -> "TypeError";
            case NullPointerException e -> "TypeError";
            case UnsupportedOperationException e -> "NotImplementedError";
            case IllegalArgumentException e -> "ValueError";
            case IllegalStateException e -> "RuntimeError";
            case FileNotFoundException e -> "FileNotFoundError";
            case IOException e -> "OSError";
            case UncheckedIOException e -> "OSError";
            case StackOverflowError e -> "RecursionError";
            case OutOfMemoryError e -> "MemoryError";
            default -> t.getClass().getSimpleName();
        };
    }

    static String messageOf(Throwable t) {
        if (t instanceof PyError p) return p.pythonMessage();
        if (t instanceof StackOverflowError) return "maximum recursion depth exceeded";
        return t.getMessage() == null ? "" : t.getMessage();
    }

    static ArrayNode traceback(Throwable t) {
        ArrayNode out = Json.array();
        StackTraceElement[] frames = t.getStackTrace();
        // Python lists the outermost frame first, the raising frame last.
        int from = Math.min(frames.length, MAX_FRAMES) - 1;
        for (int i = from; i >= 0; i--) {
            StackTraceElement f = frames[i];
            out.add("  File \"" + (f.getFileName() == null ? f.getClassName() : f.getFileName()) + "\", line "
                    + Math.max(f.getLineNumber(), 0) + ", in " + f.getMethodName() + "\n");
        }
        return out;
    }
}
