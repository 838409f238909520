package dev.comfy4j.engine.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The classic cache: entries keyed for the current prompt; an expansion's nodes live in a subcache
 * of the expanding node. Cleaning at the start of a prompt keeps exactly the entries the new
 * prompt can use.
 */
public final class HierarchicalCache extends NodeCache {
    public HierarchicalCache(KeyFunction keyFunction, OutputReferences references) {
        super(keyFunction, references);
    }

    @Override
    public void cleanUnused() {
        cleanData();
        cleanSubcaches();
    }

    @Override
    public Object get(String nodeId) {
        HierarchicalCache cache = cacheFor(nodeId);
        return cache == null ? null : cache.getImmediate(nodeId);
    }

    @Override
    public void set(String nodeId, Object value) {
        HierarchicalCache cache = cacheFor(nodeId);
        if (cache != null) cache.setImmediate(nodeId, value);
    }

    @Override
    public NodeCache ensureSubcacheFor(String nodeId, Collection<String> childIds) {
        HierarchicalCache parent = cacheFor(nodeId);
        Object key = parent.keySet.subcacheKey(nodeId);
        NodeCache sub = parent.subcaches.computeIfAbsent(key, k -> new HierarchicalCache(keyFunction, references));
        sub.setPrompt(prompt, childIds, fingerprints);
        return sub;
    }

    /** Follows the chain of expanding parents down from this root cache. */
    private HierarchicalCache cacheFor(String nodeId) {
        if (prompt == null) return null;
        List<String> parents = new ArrayList<>();
        for (String p = prompt.parentNodeId(nodeId); p != null; p = prompt.parentNodeId(p)) parents.add(p);
        Collections.reverse(parents);
        HierarchicalCache cache = this;
        for (String p : parents) {
            Object key = cache.keySet.subcacheKey(p);
            NodeCache sub = key == null ? null : cache.subcaches.get(key);
            if (sub == null) return null;
            cache = (HierarchicalCache) sub;
        }
        return cache;
    }
}
