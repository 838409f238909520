package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import dev.comfy4j.nodes.Link;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code --cache-none}: nothing survives between prompts, and within a prompt a node's entry is
 * dropped as soon as every node that reads it has run, to keep memory low.
 */
public final class DependencyAwareCache extends NodeCache {
    private final Map<String, Set<String>> descendants = new LinkedHashMap<>();
    private final Map<String, Set<String>> ancestors = new LinkedHashMap<>();
    private final Set<String> executed = new HashSet<>();

    public DependencyAwareCache(KeyFunction keyFunction, OutputReferences references) {
        super(keyFunction, references);
    }

    @Override
    public void setPrompt(DynamicPrompt dynamicPrompt, Collection<String> nodeIds, Fingerprints isChanged) {
        super.setPrompt(dynamicPrompt, nodeIds, isChanged);
        releaseAll();
        descendants.clear();
        ancestors.clear();
        executed.clear();
        for (String id : nodeIds) {
            for (Object value : dynamicPrompt.node(id).inputs().values()) {
                if (value instanceof Link link) addEdge(link.nodeId(), id);
            }
        }
    }

    private void addEdge(String from, String to) {
        descendants.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
        ancestors.computeIfAbsent(to, k -> new LinkedHashSet<>()).add(from);
    }

    @Override
    public void cleanUnused() {
        // Everything was dropped when the prompt was set.
    }

    @Override
    public Object get(String nodeId) {
        return getImmediate(nodeId);
    }

    @Override
    public void set(String nodeId, Object value) {
        setImmediate(nodeId, value);
        executed.add(nodeId);
        for (String ancestor : ancestors.getOrDefault(nodeId, Set.of())) {
            if (executed.contains(ancestor) && executed.containsAll(descendants.getOrDefault(ancestor, Set.of()))) {
                Object key = keySet.dataKey(ancestor);
                if (key != null) remove(key);
            }
        }
    }

    @Override
    public NodeCache ensureSubcacheFor(String nodeId, Collection<String> childIds) {
        keySet.addKeys(childIds);
        for (String child : childIds) addEdge(nodeId, child);
        return this;
    }
}
