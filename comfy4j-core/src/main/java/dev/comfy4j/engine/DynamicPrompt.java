package dev.comfy4j.engine;

import dev.comfy4j.python.PyError;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The prompt being executed plus the ephemeral nodes that expansions add, with each ephemeral
 * node's parent (the node that created it) and display node (what the UI attributes it to).
 * One per run; used by one thread.
 */
public final class DynamicPrompt {
    private final Map<String, PromptNode> original;
    private final Map<String, PromptNode> ephemeral = new LinkedHashMap<>();
    private final Map<String, String> parents = new LinkedHashMap<>();
    private final Map<String, String> display = new LinkedHashMap<>();

    public DynamicPrompt(Map<String, PromptNode> original) {
        this.original = new LinkedHashMap<>(original);
    }

    public PromptNode node(String id) {
        PromptNode n = ephemeral.get(id);
        if (n == null) n = original.get(id);
        if (n == null) throw new PyError("comfy_execution.graph.NodeNotFoundError", "Node " + id + " not found");
        return n;
    }

    public boolean hasNode(String id) {
        return ephemeral.containsKey(id) || original.containsKey(id);
    }

    public void addEphemeral(PromptNode node, String parentId, String displayId) {
        ephemeral.put(node.id(), node);
        parents.put(node.id(), parentId);
        display.put(node.id(), displayId);
    }

    /** The top-level node of the prompt this node descends from (itself for prompt nodes). */
    public String realNodeId(String id) {
        String current = id;
        while (parents.containsKey(current)) current = parents.get(current);
        return current;
    }

    /** The node that created this one by expansion, or null. */
    public String parentNodeId(String id) {
        return parents.get(id);
    }

    public String displayNodeId(String id) {
        String current = id;
        // An override may name the node itself; stop there instead of looping.
        while (display.containsKey(current) && !display.get(current).equals(current)) current = display.get(current);
        return current;
    }

    public Set<String> originalIds() {
        return original.keySet();
    }

    public Set<String> allNodeIds() {
        Set<String> all = new LinkedHashSet<>(original.keySet());
        all.addAll(ephemeral.keySet());
        return all;
    }
}
