package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Where the queue and history are kept so that they outlive the process. Implementations must be
 * safe to call from several threads. Credentials never reach a store: callers pass items whose
 * {@code extra_data} is already stripped.
 */
public interface JobStore extends AutoCloseable {
    /** Items that were pending or running when the store was last closed, in arrival order. */
    List<StoredItem> loadQueue();

    /** @param running true for the item the worker holds, false for a pending one */
    record StoredItem(QueueItem item, boolean running) {}

    void addPending(QueueItem item);

    void markRunning(long sequence);

    void removeItem(long sequence);

    void clearPending();

    /** History entries, oldest first. */
    Map<String, ObjectNode> loadHistory();

    /** Inserts an entry or, for a known prompt id, replaces it in place. */
    void putHistory(String promptId, ObjectNode entry);

    void deleteHistory(List<String> promptIds);

    void clearHistory();

    /** The next value of the priority counter (ComfyUI's starts at 0 with each process). */
    long loadCounter();

    void saveCounter(long next);

    /** A webhook call not yet delivered: kept until the receiver accepts it, across restarts. */
    record Webhook(long id, String promptId, String url, String body, int attempts, long nextAttemptMillis) {}

    /** Stores a webhook call to make; returns its id. */
    long addWebhook(String promptId, String url, String body, long nextAttemptMillis);

    /** Undelivered webhook calls due by {@code nowMillis}, oldest first, at most {@code limit}. */
    List<Webhook> dueWebhooks(long nowMillis, int limit);

    /** Records a failed attempt and when to try again. */
    void rescheduleWebhook(long id, int attempts, long nextAttemptMillis);

    /** Delivered (or given up): forgotten. */
    void removeWebhook(long id);

    /**
     * Whether the store takes writes right now (for {@code /readyz}): a real write, so a full disk or
     * a read-only file shows. A memory store always can.
     */
    default boolean probeWritable() {
        return true;
    }

    @Override
    void close();
}
