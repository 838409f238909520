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

    @Override public void close() {}
}
