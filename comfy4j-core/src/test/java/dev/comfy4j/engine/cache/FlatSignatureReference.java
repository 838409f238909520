package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import dev.comfy4j.engine.PromptNode;
import dev.comfy4j.nodes.Link;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeSchema;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ComfyUI's CacheKeySetInputSignature (execution spec §11.2): a node's key is its own immediate
 * signature followed by those of all its ancestors in DFS order (inputs visited by sorted name),
 * with links written as (ANCESTOR, index, socket). Node ids are not part of the key, so
 * structurally identical nodes share results, within a prompt and across prompts.
 *
 * <p>Keys are quadratic in the depth of the graph, as in ComfyUI; the per-node parts (sorted inputs,
 * fingerprint, hashable literals) are therefore computed once per run and shared by the outputs
 * and UI caches.
 */
final class FlatSignatureReference implements KeyFunction {
    private final NodeRegistry registry;
    private Fingerprints memoRun;
    private final Map<String, Object> keys = new HashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();

    /** One node's signature parts: head (class, is_changed[, id]) and its inputs sorted by name. */
    private record Shape(List<Object> head, String[] names, Object[] values) {}

    FlatSignatureReference(NodeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Object key(DynamicPrompt prompt, String nodeId, Fingerprints fingerprints) {
        if (memoRun != fingerprints) {
            // A new run: node ids and fingerprints may mean something else now.
            keys.clear();
            shapes.clear();
            memoRun = fingerprints;
        }
        return keys.computeIfAbsent(nodeId, id -> compute(prompt, id, fingerprints));
    }

    private Object compute(DynamicPrompt prompt, String nodeId, Fingerprints fingerprints) {
        if (!prompt.hasNode(nodeId)) return List.of(new Object());
        Map<String, Integer> order = new HashMap<>();
        List<String> ancestors = orderedAncestry(prompt, nodeId, order, fingerprints);
        List<Object> signature = new ArrayList<>(ancestors.size() + 1);
        signature.add(immediate(prompt, nodeId, order, fingerprints));
        for (String a : ancestors) signature.add(immediate(prompt, a, order, fingerprints));
        return signature;
    }

    private Shape shape(DynamicPrompt prompt, String id, Fingerprints fingerprints) {
        Shape known = shapes.get(id);
        if (known != null) return known;
        PromptNode node = prompt.node(id);
        List<Object> head = new ArrayList<>();
        head.add(node.classType());
        head.add(Hashable.of(fingerprints.isChanged(id)));
        NodeRegistry.Entry entry = registry.get(node.classType());
        NodeSchema schema = entry == null ? null : entry.schema();
        if (schema != null && (schema.notIdempotent() || schema.uniqueIdInCacheKey())) head.add(id);
        TreeMap<String, Object> sorted = new TreeMap<>(node.inputs());
        String[] names = sorted.keySet().toArray(String[]::new);
        Object[] values = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            Object v = sorted.get(names[i]);
            values[i] = v instanceof Link ? v : Hashable.of(v);
        }
        Shape s = new Shape(head, names, values);
        shapes.put(id, s);
        return s;
    }

    /** Pre-order DFS over links by sorted input name; iterative so long chains cannot overflow the stack. */
    private List<String> orderedAncestry(DynamicPrompt prompt, String start, Map<String, Integer> order,
                                         Fingerprints fingerprints) {
        List<String> ancestors = new ArrayList<>();
        List<Object[]> stack = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        stack.add(shape(prompt, start, fingerprints).values());
        positions.add(new int[] {0});
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Object[] values = stack.get(top);
            int[] pos = positions.get(top);
            if (pos[0] >= values.length) {
                stack.remove(top);
                positions.remove(top);
                continue;
            }
            Object v = values[pos[0]++];
            if (!(v instanceof Link link) || order.containsKey(link.nodeId())) continue;
            ancestors.add(link.nodeId());
            order.put(link.nodeId(), ancestors.size() - 1);
            if (prompt.hasNode(link.nodeId())) {
                stack.add(shape(prompt, link.nodeId(), fingerprints).values());
                positions.add(new int[] {0});
            }
        }
        return ancestors;
    }

    private List<Object> immediate(DynamicPrompt prompt, String id, Map<String, Integer> order, Fingerprints fingerprints) {
        if (!prompt.hasNode(id)) return List.of(new Object());
        Shape s = shape(prompt, id, fingerprints);
        List<Object> sig = new ArrayList<>(s.head().size() + s.names().length);
        sig.addAll(s.head());
        for (int i = 0; i < s.names().length; i++) {
            Object v = s.values()[i];
            if (v instanceof Link link) {
                sig.add(List.of(s.names()[i], List.of("ANCESTOR", order.get(link.nodeId()), BigInteger.valueOf(link.slot()))));
            } else {
                sig.add(Arrays.asList(s.names()[i], v));
            }
        }
        return sig;
    }
}
