package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;

/** Builds history entries in ComfyUI's shape: {@code prompt, outputs, status, meta} (API spec §8.4). */
final class HistoryEntries {
    private HistoryEntries() {}

    static ObjectNode entry(ArrayNode queueTuple, ObjectNode outputs, boolean success, ArrayNode messages, ObjectNode meta) {
        ObjectNode entry = Json.object();
        entry.set("prompt", queueTuple);
        entry.set("outputs", outputs);
        ObjectNode status = entry.putObject("status");
        status.put("status_str", success ? "success" : "error");
        status.put("completed", success);
        status.set("messages", messages);
        entry.set("meta", meta);
        return entry;
    }

    /** The entry of a prompt that was running when the process stopped: recorded as interrupted. */
    static ObjectNode abandoned(QueueItem item, long timestamp) {
        ArrayNode messages = Json.array();
        ArrayNode pair = messages.addArray();
        pair.add("execution_interrupted");
        ObjectNode data = pair.addObject();
        data.put("prompt_id", item.promptId());
        data.putNull("node_id");
        data.putNull("node_type");
        data.putArray("executed");
        data.put("timestamp", timestamp);
        data.put("reason", "comfy4j stopped while this prompt was running; it was not resumed. Queue it again to run it.");
        return entry(item.toTuple(), Json.object(), false, messages, Json.object());
    }
}
