package dev.comfy4j.config;

/**
 * Flags for the compute runtime and the model manager.
 *
 * @param forceCpu {@code --cpu}
 * @param threads {@code --threads}; 0 means all cores
 * @param reserveRamBytes {@code --reserve-ram}, in bytes
 */
public record ComputeSettings(boolean forceCpu, int threads, long reserveRamBytes) {
    public ComputeSettings {
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0");
        if (reserveRamBytes < 0) throw new IllegalArgumentException("--reserve-ram must be >= 0");
    }
}
