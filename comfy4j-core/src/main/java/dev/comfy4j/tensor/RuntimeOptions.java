package dev.comfy4j.tensor;

/**
 * How the tensor runtime starts.
 *
 * @param forceCpu compute on the CPU even when a CUDA device is present ({@code --cpu})
 * @param threads ATen intra-op threads; 0 means one per available core ({@code --threads})
 */
public record RuntimeOptions(boolean forceCpu, int threads) {
    public RuntimeOptions {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }

    /** All cores, CUDA when available. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(false, 0);
    }
}
