package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** ComfyUI's own behaviour ({@code --database none}): nothing outlives the process. */
public final class MemoryJobStore implements JobStore {
    @Override public List<StoredItem> loadQueue() { return List.of(); }

    @Override public void addPending(QueueItem item) {}

    @Override public void markRunning(long sequence) {}

    @Override public void removeItem(long sequence) {}

    @Override public void clearPending() {}

    @Override public Map<String, ObjectNode> loadHistory() { return Map.of(); }

    @Override public void putHistory(String promptId, ObjectNode entry) {}

    @Override public void deleteHistory(List<String> promptIds) {}

    @Override public void clearHistory() {}

    @Override public long loadCounter() { return 0; }

    @Override public void saveCounter(long next) {}

    private final java.util.Map<Long, Webhook> webhooks = new java.util.LinkedHashMap<>();
    private long nextWebhookId;

    @Override
    public synchronized long addWebhook(String promptId, String url, String body, long nextAttemptMillis) {
        long id = ++nextWebhookId;
        webhooks.put(id, new Webhook(id, promptId, url, body, 0, nextAttemptMillis));
        return id;
    }

    @Override
    public synchronized List<Webhook> dueWebhooks(long nowMillis, int limit) {
        return webhooks.values().stream().filter(w -> w.nextAttemptMillis() <= nowMillis).limit(limit).toList();
    }

    @Override
    public synchronized void rescheduleWebhook(long id, int attempts, long nextAttemptMillis) {
        webhooks.computeIfPresent(id, (k, w) -> new Webhook(id, w.promptId(), w.url(), w.body(), attempts, nextAttemptMillis));
    }

    @Override
    public synchronized void removeWebhook(long id) {
        webhooks.remove(id);
    }

    @Override public void close() {}
}
