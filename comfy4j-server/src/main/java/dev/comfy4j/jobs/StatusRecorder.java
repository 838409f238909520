package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.ExecutionListener;
import dev.comfy4j.json.Json;
import java.util.Set;

/**
 * Passes events on and keeps the ones ComfyUI records in a history entry's {@code status.messages}:
 * start, cached, and the one final event. A blocked-input {@code execution_error} is sent but not
 * recorded, as in ComfyUI.
 */
final class StatusRecorder implements ExecutionListener {
    private static final Set<String> RECORDED = Set.of("execution_start", "execution_cached", "execution_success",
            "execution_error", "execution_interrupted");

    private final ExecutionListener next;
    private final ArrayNode messages = Json.array();
    private volatile FinalEvent last;

    /** The last of execution_success, execution_error (not a blocked input's) and execution_interrupted. */
    record FinalEvent(String type, ObjectNode data) {}

    StatusRecorder(ExecutionListener next) {
        this.next = next;
    }

    @Override
    public void event(String type, ObjectNode data) {
        if (RECORDED.contains(type)) {
            ArrayNode pair = messages.addArray();
            pair.add(type);
            pair.add(data);
            if (!type.equals("execution_start") && !type.equals("execution_cached")) last = new FinalEvent(type, data);
        }
        next.event(type, data);
    }

    @Override
    public void executionBlocked(ObjectNode data) {
        next.executionBlocked(data);
    }

    @Override
    public void previewImage(String imageType, byte[] encoded, ObjectNode metadata) {
        next.previewImage(imageType, encoded, metadata);
    }

    @Override
    public void progressText(String nodeId, String text) {
        next.progressText(nodeId, text);
    }

    FinalEvent lastFinalEvent() {
        return last;
    }

    ArrayNode messages() {
        return messages;
    }
}
