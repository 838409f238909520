package dev.comfy4j.logging;

/**
 * What the current thread is working on, for log lines that carry it ({@code --log-format json}): the
 * prompt id and its user while the worker runs a prompt. Set with {@link #open}, cleared by closing.
 */
public final class LogContext {
    /** The fields of a context; either may be null. */
    public record Fields(String promptId, String user) {}

    private static final ThreadLocal<Fields> CURRENT = new ThreadLocal<>();

    private LogContext() {}

    public static Fields current() {
        return CURRENT.get();
    }

    /** Sets the thread's context until the returned scope closes (restoring the one before). */
    public static Scope open(String promptId, String user) {
        Fields previous = CURRENT.get();
        CURRENT.set(new Fields(promptId, user));
        return () -> CURRENT.set(previous);
    }

    /** A context that can be closed without a checked exception. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
