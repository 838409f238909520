package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One of the three caches of a run (outputs, UI, node objects), in one of ComfyUI's strategies
 * (execution spec §11.3). Used by the single executing thread only.
 */
public abstract sealed class NodeCache permits HierarchicalCache, LruCache, DependencyAwareCache {
    protected final KeyFunction keyFunction;
    protected DynamicPrompt prompt;
    protected Fingerprints fingerprints;
    protected CacheKeySet keySet;
    protected final Map<Object, Object> data = new HashMap<>();
    protected final Map<Object, NodeCache> subcaches = new LinkedHashMap<>();

    protected NodeCache(KeyFunction keyFunction) {
        this.keyFunction = keyFunction;
    }

    /** Computes the keys of {@code nodeIds} for the new prompt. */
    public void setPrompt(DynamicPrompt dynamicPrompt, Collection<String> nodeIds, Fingerprints isChanged) {
        prompt = dynamicPrompt;
        fingerprints = isChanged;
        keySet = new CacheKeySet(keyFunction, dynamicPrompt, isChanged);
        keySet.addKeys(nodeIds);
    }

    /** Drops what the current prompt does not use (strategy-specific). */
    public abstract void cleanUnused();

    public abstract Object get(String nodeId);

    public abstract void set(String nodeId, Object value);

    /** The cache that will hold an expansion's nodes; the caller cleans it with {@link #cleanUnused}. */
    public abstract NodeCache ensureSubcacheFor(String nodeId, Collection<String> childIds);

    /** Every node id known to this cache's key sets (the prompt's nodes plus expansion children). */
    public Set<String> allNodeIds() {
        Set<String> ids = new LinkedHashSet<>(keySet == null ? Set.of() : keySet.nodeIds());
        for (NodeCache sub : subcaches.values()) ids.addAll(sub.allNodeIds());
        return ids;
    }

    protected Object getImmediate(String nodeId) {
        if (keySet == null) return null;
        Object key = keySet.dataKey(nodeId);
        return key == null ? null : data.get(key);
    }

    protected void setImmediate(String nodeId, Object value) {
        Object key = keySet.dataKey(nodeId);
        if (key != null) data.put(key, value);
    }

    protected void cleanData() {
        data.keySet().retainAll(new java.util.HashSet<>(keySet.usedKeys()));
    }

    protected void cleanSubcaches() {
        subcaches.keySet().retainAll(new java.util.HashSet<>(keySet.usedSubcacheKeys()));
    }
}
