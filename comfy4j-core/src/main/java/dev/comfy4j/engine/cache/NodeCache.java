package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
    /** Counts the tensors of this cache's entries (subcaches share it); {@link OutputReferences#NONE} counts nothing. */
    protected final OutputReferences references;
    protected DynamicPrompt prompt;
    protected Fingerprints fingerprints;
    protected CacheKeySet keySet;
    /** The entries; change them only through put, remove and the retain/clear helpers, which keep the counts. */
    private final Map<Object, Object> data = new HashMap<>();
    protected final Map<Object, NodeCache> subcaches = new LinkedHashMap<>();

    protected NodeCache(KeyFunction keyFunction, OutputReferences references) {
        this.keyFunction = keyFunction;
        this.references = references;
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
        if (key != null) put(key, value);
    }

    /** Stores an entry; the value it replaces, if any, is released after the new one is counted. */
    protected void put(Object key, Object value) {
        references.acquire(value);
        Object old = data.put(key, value);
        if (old != null) references.release(old);
    }

    protected void remove(Object key) {
        Object old = data.remove(key);
        if (old != null) references.release(old);
    }

    protected int size() {
        return data.size();
    }

    /** The keys of the entries, read-only. */
    protected Set<Object> keys() {
        return java.util.Collections.unmodifiableSet(data.keySet());
    }

    /** Drops every entry whose key {@code keep} rejects. */
    protected void retainKeys(java.util.function.Predicate<Object> keep) {
        for (Iterator<Map.Entry<Object, Object>> it = data.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Object, Object> e = it.next();
            if (!keep.test(e.getKey())) {
                it.remove();
                references.release(e.getValue());
            }
        }
    }

    protected void cleanData() {
        Set<Object> used = new HashSet<>(keySet.usedKeys());
        retainKeys(used::contains);
    }

    protected void cleanSubcaches() {
        Set<Object> used = new HashSet<>(keySet.usedSubcacheKeys());
        for (Iterator<Map.Entry<Object, NodeCache>> it = subcaches.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Object, NodeCache> e = it.next();
            if (!used.contains(e.getKey())) {
                it.remove();
                e.getValue().releaseAll();
            }
        }
    }

    /** Drops every entry of this cache and its subcaches (their tensors are released). */
    public void releaseAll() {
        retainKeys(key -> false);
        for (NodeCache sub : subcaches.values()) sub.releaseAll();
        subcaches.clear();
    }
}
