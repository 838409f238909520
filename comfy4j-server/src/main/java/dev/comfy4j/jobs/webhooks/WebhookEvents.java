package dev.comfy4j.jobs.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.ExecutionListener;
import dev.comfy4j.jobs.HistoryStore;
import dev.comfy4j.jobs.JobEvents;
import dev.comfy4j.jobs.JobStore;
import dev.comfy4j.json.Json;
import java.util.function.Supplier;

/**
 * When a prompt with {@code extra_data.webhook} ends (its history entry written), stores the call in
 * the job store, where it stays until the dispatcher delivers it. The body is
 * {@code {"event": "success" | "error" | "interrupted", "prompt_id", "history": <entry>}}.
 */
public final class WebhookEvents implements JobEvents {
    private final JobEvents next;
    private final Supplier<HistoryStore> history;
    private final Supplier<JobStore> store;
    private final Runnable wakeDispatcher;

    public WebhookEvents(JobEvents next, Supplier<HistoryStore> history, Supplier<JobStore> store, Runnable wakeDispatcher) {
        this.next = next;
        this.history = history;
        this.store = store;
        this.wakeDispatcher = wakeDispatcher;
    }

    @Override
    public void queueChanged() {
        next.queueChanged();
    }

    @Override
    public ExecutionListener promptListener(String promptId, String clientId) {
        return next.promptListener(promptId, clientId);
    }

    @Override
    public void promptFinished(String promptId, String clientId) {
        ObjectNode entry = history.get().entry(promptId);
        JsonNode tuple = entry == null ? null : entry.get("prompt");
        WebhookPolicy.urlOf(tuple == null ? null : tuple.get(3)).filter(url -> !url.isEmpty()).ifPresent(url -> {
            ObjectNode body = Json.object();
            body.put("event", event(entry));
            body.put("prompt_id", promptId);
            body.set("history", entry);
            store.get().addWebhook(promptId, url, Json.write(body), System.currentTimeMillis());
            wakeDispatcher.run();
        });
        next.promptFinished(promptId, clientId);
    }

    static String event(ObjectNode entry) {
        JsonNode status = entry.path("status");
        if (status.path("status_str").asText().equals("success")) return "success";
        JsonNode messages = status.path("messages");
        for (JsonNode m : messages) {
            if (m.path(0).asText().equals("execution_interrupted")) return "interrupted";
        }
        return "error";
    }
}
