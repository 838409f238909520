package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import dev.comfy4j.engine.PromptNode;
import dev.comfy4j.nodes.Link;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeSchema;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ComfyUI's CacheKeySetInputSignature (execution spec §11.2): a node's key is its own immediate
 * signature followed by those of all its ancestors in DFS order (inputs visited by sorted name),
 * with links written as (ANCESTOR, index, socket). Node ids are not part of the key, so
 * structurally identical nodes share results, within a prompt and across prompts.
 */
public final class InputSignatureKeys implements KeyFunction {
    private final NodeRegistry registry;

    public InputSignatureKeys(NodeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Object key(DynamicPrompt prompt, String nodeId, Fingerprints fingerprints) {
        if (!prompt.hasNode(nodeId)) return List.of(new Object());
        Map<String, Integer> order = new HashMap<>();
        List<String> ancestors = orderedAncestry(prompt, nodeId, order);
        List<Object> signature = new ArrayList<>(ancestors.size() + 1);
        signature.add(immediate(prompt, nodeId, order, fingerprints));
        for (String a : ancestors) signature.add(immediate(prompt, a, order, fingerprints));
        return signature;
    }

    /** Pre-order DFS over links by sorted input name; iterative so long chains cannot overflow the stack. */
    private static List<String> orderedAncestry(DynamicPrompt prompt, String start, Map<String, Integer> order) {
        List<String> ancestors = new ArrayList<>();
        Deque<Iterator<Object>> stack = new ArrayDeque<>();
        stack.push(sortedInputs(prompt.node(start)).values().iterator());
        while (!stack.isEmpty()) {
            Iterator<Object> it = stack.peek();
            if (!it.hasNext()) {
                stack.pop();
                continue;
            }
            if (!(it.next() instanceof Link link) || order.containsKey(link.nodeId())) continue;
            ancestors.add(link.nodeId());
            order.put(link.nodeId(), ancestors.size() - 1);
            if (prompt.hasNode(link.nodeId())) stack.push(sortedInputs(prompt.node(link.nodeId())).values().iterator());
        }
        return ancestors;
    }

    private static TreeMap<String, Object> sortedInputs(PromptNode node) {
        return new TreeMap<>(node.inputs());
    }

    private List<Object> immediate(DynamicPrompt prompt, String id, Map<String, Integer> order, Fingerprints fingerprints) {
        if (!prompt.hasNode(id)) return List.of(new Object());
        PromptNode node = prompt.node(id);
        List<Object> sig = new ArrayList<>();
        sig.add(node.classType());
        sig.add(Hashable.of(fingerprints.isChanged(id)));
        NodeRegistry.Entry entry = registry.get(node.classType());
        NodeSchema schema = entry == null ? null : entry.schema();
        if (schema != null && (schema.notIdempotent() || schema.uniqueIdInCacheKey())) sig.add(id);
        sortedInputs(node).forEach((name, value) -> {
            if (value instanceof Link link) {
                sig.add(List.of(name, List.of("ANCESTOR", order.get(link.nodeId()), BigInteger.valueOf(link.slot()))));
            } else {
                sig.add(java.util.Arrays.asList(name, Hashable.of(value)));
            }
        });
        return sig;
    }
}
