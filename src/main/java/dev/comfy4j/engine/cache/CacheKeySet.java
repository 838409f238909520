package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
            keys.put(id, function.key(prompt, id, fingerprints));
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
