package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The history of one process: kept in memory for reading and written through to its {@link JobStore}
 * (memory or SQLite). Thread-safe.
 */
public final class History implements HistoryStore {

    private final JobStore store;
    private final LinkedHashMap<String, ObjectNode> entries = new LinkedHashMap<>();

    public History(JobStore store) {
        this.store = store;
        entries.putAll(store.loadHistory());
    }

    @Override
    public synchronized void put(String promptId, ObjectNode entry) {
        if (!entries.containsKey(promptId) && entries.size() > MAXIMUM_SIZE) {
            Iterator<String> oldest = entries.keySet().iterator();
            String evicted = oldest.next();
            oldest.remove();
            store.deleteHistory(List.of(evicted));
        }
        entries.put(promptId, entry);
        store.putHistory(promptId, entry);
    }

    @Override
    public synchronized ObjectNode page(Integer maxItems, int offset, Predicate<ObjectNode> visible) {
        int start = offset;
        if (start < 0 && maxItems != null) {
            start = (int) entries.values().stream().filter(visible).count() - maxItems;
        }
        ObjectNode out = Json.object();
        int index = 0;
        int taken = 0;
        for (Map.Entry<String, ObjectNode> e : entries.entrySet()) {
            if (!visible.test(e.getValue())) continue;
            if (index >= start) {
                out.set(e.getKey(), e.getValue());
                taken++;
                if (maxItems != null && taken >= maxItems) break;
            }
            index++;
        }
        return out;
    }

    /** {@code {id: entry}}, or {@code {}} when unknown. */
    @Override
    public synchronized ObjectNode get(String promptId) {
        ObjectNode out = Json.object();
        ObjectNode entry = entries.get(promptId);
        if (entry != null) out.set(promptId, entry);
        return out;
    }

    /** The ids of the entries {@code which} accepts, oldest first. */
    @Override
    public synchronized List<String> idsWhere(Predicate<ObjectNode> which) {
        List<String> ids = new ArrayList<>();
        entries.forEach((id, entry) -> {
            if (which.test(entry)) ids.add(id);
        });
        return ids;
    }

    /** The entry of a prompt id, or null. */
    @Override
    public synchronized ObjectNode entry(String promptId) {
        return entries.get(promptId);
    }

    @Override
    public synchronized void clear() {
        entries.clear();
        store.clearHistory();
    }

    @Override
    public synchronized void delete(List<String> promptIds) {
        List<String> known = new ArrayList<>();
        for (String id : promptIds) if (entries.remove(id) != null) known.add(id);
        if (!known.isEmpty()) store.deleteHistory(known);
    }

    @Override
    public synchronized int size() {
        return entries.size();
    }
}
