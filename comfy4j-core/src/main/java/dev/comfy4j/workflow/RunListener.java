package dev.comfy4j.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a run reports while it goes, embedded or remote: every event under ComfyUI's WebSocket message
 * type and data ({@code execution_start}, {@code executing}, {@code progress}, {@code executed}, ...),
 * progress values, and latent previews. Called on the run's thread; keep it quick.
 */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    /** An event with ComfyUI's payload. */
    default void event(String type, JsonNode data) {}

    /** A sampler or node step: {@code value} of {@code max} on {@code nodeId}. */
    default void progress(String nodeId, int value, int max) {}

    /** A latent preview, {@code image/jpeg} or {@code image/png} bytes. */
    default void preview(String imageType, byte[] image) {}

    /** Calls {@link #event}, then {@link #progress} for a {@code progress} event. */
    static void dispatch(RunListener listener, String type, JsonNode data) {
        listener.event(type, data);
        if (type.equals("progress")) listener.progress(data.path("node").asText(), data.path("value").asInt(), data.path("max").asInt());
    }
}
