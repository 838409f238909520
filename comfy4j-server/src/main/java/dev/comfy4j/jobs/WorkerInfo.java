package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;

/**
 * A server's entry in the worker list ({@code /workers}, {@code /system_stats}).
 *
 * @param id unique per process start
 * @param name host and port, for people
 * @param role {@code api}, {@code worker} or {@code all}
 * @param device where it computes ({@code cpu}, {@code cuda:0}); null for an api server
 * @param url the base URL other servers reach it at (for {@code /view} of its outputs)
 * @param currentPrompt the prompt it runs now, or null
 */
public record WorkerInfo(String id, String name, String role, String device, String url, String currentPrompt,
                         long startedMillis, long lastSeenMillis) {

    public WorkerInfo running(String promptId, long now) {
        return new WorkerInfo(id, name, role, device, url, promptId, startedMillis, now);
    }

    public boolean runsPrompts() {
        return !"api".equals(role);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("name", name);
        o.put("role", role);
        if (device == null) o.putNull("device"); else o.put("device", device);
        o.put("url", url);
        if (currentPrompt == null) o.putNull("current_prompt"); else o.put("current_prompt", currentPrompt);
        o.put("started", startedMillis / 1000.0);
        o.put("last_seen", lastSeenMillis / 1000.0);
        return o;
    }
}
