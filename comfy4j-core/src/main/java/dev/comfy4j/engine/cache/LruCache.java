package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --cache-lru N}: one flat cache for all nodes (expansion children included) that keeps
 * results of earlier prompts, evicting whole generations (prompts) of least recent use while it
 * holds more than N entries. Entries used by the current prompt are never evicted.
 */
public final class LruCache extends NodeCache {
    private final int maxSize;
    private int generation;
    private int minGeneration;
    private final Map<Object, Integer> usedGeneration = new HashMap<>();

    public LruCache(KeyFunction keyFunction, int maxSize, OutputReferences references) {
        super(keyFunction, references);
        this.maxSize = maxSize;
    }

    @Override
    public void setPrompt(DynamicPrompt dynamicPrompt, Collection<String> nodeIds, Fingerprints isChanged) {
        super.setPrompt(dynamicPrompt, nodeIds, isChanged);
        generation++;
        for (String id : nodeIds) markUsed(id);
    }

    @Override
    public void cleanUnused() {
        while (size() > maxSize && minGeneration < generation) {
            minGeneration++;
            retainKeys(key -> usedGeneration.getOrDefault(key, 0) >= minGeneration);
            usedGeneration.keySet().retainAll(keys());
        }
    }

    @Override
    public Object get(String nodeId) {
        markUsed(nodeId);
        return getImmediate(nodeId);
    }

    @Override
    public void set(String nodeId, Object value) {
        markUsed(nodeId);
        setImmediate(nodeId, value);
    }

    @Override
    public NodeCache ensureSubcacheFor(String nodeId, Collection<String> childIds) {
        keySet.addKeys(childIds);
        markUsed(nodeId);
        for (String child : childIds) markUsed(child);
        return this;
    }

    private void markUsed(String nodeId) {
        Object key = keySet == null ? null : keySet.dataKey(nodeId);
        if (key != null) usedGeneration.put(key, generation);
    }
}
