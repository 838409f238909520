package dev.comfy4j.model.vae;

import java.util.Locale;

/**
 * Recognises libtorch's out-of-memory errors, which reach Java as plain runtime exceptions with
 * c10's message: "DefaultCPUAllocator: not enough memory: you tried to allocate ..." on the CPU,
 * "CUDA out of memory" on a GPU. ComfyUI catches the same class of error to retry the VAE tiled.
 */
public final class OutOfMemory {
    private OutOfMemory() {}

    public static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) return true;
            String m = t.getMessage();
            if (m == null) continue;
            String lower = m.toLowerCase(Locale.ROOT);
            if (lower.contains("out of memory") || lower.contains("not enough memory") || lower.contains("can't allocate memory")
                    || lower.contains("cannot allocate memory")) {
                return true;
            }
        }
        return false;
    }
}
