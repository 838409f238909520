package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A data key with its hash computed once: signature keys are deep nested lists, and the caches look
 * them up many times per node.
 */
record CacheKey(Object value, int hash) {
    CacheKey(Object value) {
        this(value, value.hashCode());
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && k.hash == hash && k.value.equals(value);
    }
}

/** The keys of the nodes one cache level serves in the current prompt (computed once per node). */
final class CacheKeySet {
    private final KeyFunction function;
    private final DynamicPrompt prompt;
    private final Fingerprints fingerprints;
    private final Map<String, Object> keys = new LinkedHashMap<>();
    private final Map<String, Object> subcacheKeys = new LinkedHashMap<>();

    CacheKeySet(KeyFunction function, DynamicPrompt prompt, Fingerprints fingerprints) {
        this.function = function;
        this.prompt = prompt;
        this.fingerprints = fingerprints;
    }

    void addKeys(Collection<String> nodeIds) {
        for (String id : nodeIds) {
            if (keys.containsKey(id)) continue;
            keys.put(id, new CacheKey(function.key(prompt, id, fingerprints)));
            subcacheKeys.put(id, List.of(id, prompt.node(id).classType()));
        }
    }

    Object dataKey(String nodeId) {
        return keys.get(nodeId);
    }

    Object subcacheKey(String nodeId) {
        return subcacheKeys.get(nodeId);
    }

    Collection<Object> usedKeys() {
        return keys.values();
    }

    Collection<Object> usedSubcacheKeys() {
        return subcacheKeys.values();
    }

    Set<String> nodeIds() {
        return keys.keySet();
    }
}
