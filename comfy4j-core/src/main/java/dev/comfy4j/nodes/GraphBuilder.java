package dev.comfy4j.nodes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds an expansion subgraph (ComfyUI's graph_utils.GraphBuilder). Ids are the builder's prefix
 * plus a counter, so they are unique and deterministic: {@code "12.0.0.1"}, {@code "12.0.0.2"}.
 *
 * <pre>{@code
 * GraphBuilder g = context.graphBuilder();
 * var a = g.node("PrimitiveInt", Map.of("value", 5));
 * return NodeResult.expand(g.build(), a.out(0));
 * }</pre>
 */
public final class GraphBuilder {
    private final String prefix;
    private final Map<String, NodeRef> nodes = new LinkedHashMap<>();
    private int counter;

    public GraphBuilder(String prefix) {
        this.prefix = prefix;
    }

    public NodeRef node(String classType, Map<String, Object> inputs) {
        return node(classType, null, inputs);
    }

    /** @param id an explicit id (prefixed like generated ones), or null for the next number */
    public NodeRef node(String classType, String id, Map<String, Object> inputs) {
        String fullId = prefix + (id != null ? id : Integer.toString(++counter));
        NodeRef ref = new NodeRef(fullId, classType, new LinkedHashMap<>(inputs));
        nodes.put(fullId, ref);
        return ref;
    }

    public Graph build() {
        Map<String, Graph.Node> out = new LinkedHashMap<>();
        nodes.forEach((id, ref) -> out.put(id, new Graph.Node(ref.classType, ref.inputs, ref.overrideDisplayId)));
        return new Graph(out);
    }

    /** A node being built; {@link #out} gives links to its outputs. */
    public static final class NodeRef {
        private final String id;
        private final String classType;
        private final Map<String, Object> inputs;
        private String overrideDisplayId;

        private NodeRef(String id, String classType, Map<String, Object> inputs) {
            this.id = id;
            this.classType = classType;
            this.inputs = inputs;
        }

        public String id() {
            return id;
        }

        public Link out(int slot) {
            return new Link(id, slot);
        }

        public NodeRef set(String input, Object value) {
            inputs.put(input, value);
            return this;
        }

        public NodeRef displayAs(String displayId) {
            overrideDisplayId = displayId;
            return this;
        }
    }
}
