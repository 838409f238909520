package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the engine reports what happens while a prompt runs. The server turns these calls into
 * WebSocket messages and applies ComfyUI's targeting rules (API spec §12.5); the engine never
 * knows who is listening.
 */
public interface ExecutionListener {
    /**
     * A text event such as {@code execution_start}, {@code executing}, {@code progress},
     * {@code progress_state}, {@code executed}, {@code execution_success}, {@code execution_error} or
     * {@code execution_interrupted}, with ComfyUI's payload (key order included).
     */
    void event(String type, ObjectNode data);

    /**
     * A preview image for the running prompt (binary frame type 1, or type 4 for clients that declared
     * {@code supports_preview_metadata}).
     *
     * @param imageType {@code image/jpeg} or {@code image/png}
     * @param metadata the type-4 metadata object (node_id, prompt_id, display_node_id, parent_node_id,
     *     real_node_id, image_type)
     */
    void previewImage(String imageType, byte[] encoded, ObjectNode metadata);

    /** Progress text shown on a node (binary frame type 3, always broadcast). */
    void progressText(String nodeId, String text);

    /**
     * The {@code execution_error} of a node whose input was blocked by an ExecutionBlocker with a
     * message (execution spec §13.4): no timestamp, not recorded in history, sent to the prompt's
     * client or broadcast when it has none. Execution continues. By default it is passed to
     * {@link #event} as {@code execution_error}.
     */
    default void executionBlocked(ObjectNode data) {
        event("execution_error", data);
    }

    ExecutionListener NONE = new ExecutionListener() {
        @Override public void event(String type, ObjectNode data) {}

        @Override public void previewImage(String imageType, byte[] encoded, ObjectNode metadata) {}

        @Override public void progressText(String nodeId, String text) {}
    };
}
