package dev.comfy4j.config;

import dev.comfy4j.model.ComputePrecision;

/**
 * Flags for the compute runtime and the model manager.
 *
 * @param forceCpu {@code --cpu}
 * @param threads {@code --threads}; 0 means all cores
 * @param reserveRamBytes {@code --reserve-ram}, in bytes
 * @param precision {@code --bf16-unet}, {@code --bf16-vae} (default float32 for both)
 */
public record ComputeSettings(boolean forceCpu, int threads, long reserveRamBytes, ComputePrecision precision) {
    public ComputeSettings {
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0");
        if (reserveRamBytes < 0) throw new IllegalArgumentException("--reserve-ram must be >= 0");
        if (precision == null) precision = ComputePrecision.FLOAT32;
    }

    /** Float32 compute, as ComfyUI on the CPU. */
    public ComputeSettings(boolean forceCpu, int threads, long reserveRamBytes) {
        this(forceCpu, threads, reserveRamBytes, ComputePrecision.FLOAT32);
    }
}
