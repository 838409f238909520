package dev.comfy4j.sampling;

/**
 * A noise schedule of ComfyUI's {@code SCHEDULER_NAMES}: the descending sigmas a sampler walks
 * through, usually {@code steps + 1} values ending with 0.
 */
public interface Scheduler {
    /** ComfyUI's name (the value of KSampler's {@code scheduler} input). */
    String name();

    /** The sigmas for {@code steps} steps of {@code model}'s noise levels (float32 values). */
    float[] sigmas(ModelSampling model, int steps);
}
