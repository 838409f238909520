package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.nodes.Link;
import dev.comfy4j.python.PyValues;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node of the graph being executed: its class and its inputs in prompt order, each a
 * {@link Link} or a plain literal.
 *
 * @param json the node's object in the prompt (where IS_CHANGED results are written), or null for
 *     nodes created by expansion
 */
public record PromptNode(String id, String classType, Map<String, Object> inputs, ObjectNode json) {
    public PromptNode {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    /** Reads a validated prompt node: 2-element {@code [string, number]} arrays are links (is_link). */
    public static PromptNode fromJson(String id, ObjectNode node) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        JsonNode in = node.get("inputs");
        if (in != null && in.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                inputs.put(e.getKey(), isLink(e.getValue()) ? toLink(e.getValue()) : PyValues.fromJson(e.getValue()));
            }
        }
        return new PromptNode(id, node.path("class_type").asText(), inputs, node);
    }

    public static boolean isLink(JsonNode v) {
        return v != null && v.isArray() && v.size() == 2 && v.get(0).isTextual() && v.get(1).isNumber();
    }

    private static Link toLink(JsonNode v) {
        return new Link(v.get(0).textValue(), v.get(1).intValue());
    }

    /** A client-supplied {@code is_changed} value, which replaces IS_CHANGED (execution spec §2). */
    public JsonNode isChangedOverride() {
        return json == null ? null : json.get("is_changed");
    }
}
