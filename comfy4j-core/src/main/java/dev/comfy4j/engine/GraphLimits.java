package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The largest prompt the server accepts ({@code --max-graph-nodes}, {@code --max-graph-depth}),
 * checked before validation so that an oversized graph costs one pass over its JSON. ComfyUI has no
 * such limit; docs/compatibility.md says why comfy4j has one.
 *
 * @param maxNodes the most nodes a prompt may have
 * @param maxDepth the most nodes on one chain of links (a node without linked inputs has depth 1)
 */
public record GraphLimits(int maxNodes, int maxDepth) {
    public static GraphLimits of(dev.comfy4j.config.ServerConfig config) {
        return new GraphLimits(config.maxGraphNodes(), config.maxGraphDepth());
    }

    public GraphLimits {
        if (maxNodes < 1 || maxDepth < 1) throw new IllegalArgumentException("graph limits must be at least 1");
    }

    /** ComfyUI's {@code error} object for a prompt over a limit, or null when it is within them. */
    ObjectNode check(JsonNode prompt) {
        if (!(prompt instanceof ObjectNode nodes)) return null;
        if (nodes.size() > maxNodes) {
            return ValidationErrors.invalidPrompt(
                    "Prompt too large: " + nodes.size() + " nodes, this server accepts at most " + maxNodes + ".",
                    "The limit is set with --max-graph-nodes.");
        }
        int depth = depth(nodes);
        if (depth > maxDepth) {
            return ValidationErrors.invalidPrompt(
                    "Prompt too deep: a chain of " + depth + " linked nodes, this server accepts at most " + maxDepth + ".",
                    "The limit is set with --max-graph-depth.");
        }
        return null;
    }

    /**
     * The longest chain of links, iteratively (prompts can be deep). Links to missing nodes and links
     * that close a cycle are left to validation, which reports them; here they end the chain.
     */
    static int depth(ObjectNode prompt) {
        Map<String, Integer> depths = new HashMap<>();
        Map<String, Boolean> onPath = new HashMap<>();
        int deepest = 0;
        for (Iterator<String> ids = prompt.fieldNames(); ids.hasNext(); ) {
            String start = ids.next();
            if (depths.containsKey(start)) continue;
            Deque<Frame> stack = new ArrayDeque<>();
            stack.push(new Frame(start, parents(prompt, start)));
            onPath.put(start, true);
            while (!stack.isEmpty()) {
                Frame top = stack.peek();
                if (top.parents.hasNext()) {
                    String parent = top.parents.next();
                    if (!prompt.has(parent) || depths.containsKey(parent) || onPath.containsKey(parent)) {
                        top.deepestParent = Math.max(top.deepestParent, depths.getOrDefault(parent, 0));
                        continue;
                    }
                    onPath.put(parent, true);
                    stack.push(new Frame(parent, parents(prompt, parent)));
                } else {
                    stack.pop();
                    onPath.remove(top.id);
                    int d = top.deepestParent + 1;
                    depths.put(top.id, d);
                    deepest = Math.max(deepest, d);
                    if (!stack.isEmpty()) stack.peek().deepestParent = Math.max(stack.peek().deepestParent, d);
                }
            }
        }
        return deepest;
    }

    private static final class Frame {
        final String id;
        final Iterator<String> parents;
        int deepestParent;

        Frame(String id, Iterator<String> parents) {
            this.id = id;
            this.parents = parents;
        }
    }

    /** The ids the node's inputs link to ({@code [id, slot]} arrays, as validation reads links). */
    private static Iterator<String> parents(ObjectNode prompt, String id) {
        JsonNode inputs = prompt.path(id).path("inputs");
        java.util.List<String> out = new java.util.ArrayList<>();
        if (inputs.isObject()) {
            for (JsonNode v : inputs) {
                if (PromptNode.isLink(v)) out.add(v.get(0).textValue());
            }
        }
        return out.iterator();
    }
}
