package dev.comfy4j.nodes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A subgraph returned by node expansion: node id to node, in creation order. */
public record Graph(Map<String, Node> nodes) {
    public Graph {
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
    }

    /**
     * One node of the subgraph; inputs hold literals or {@link Link}s.
     *
     * @param overrideDisplayId the id the UI shows for it, or null for the expanding node's id
     */
    public record Node(String classType, Map<String, Object> inputs, String overrideDisplayId) {
        public Node {
            inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        }
    }
}
