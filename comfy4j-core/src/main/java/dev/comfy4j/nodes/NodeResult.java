package dev.comfy4j.nodes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.python.PyValues;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What one node call returns (execution spec §8.3):
 * output values, optionally a UI dict for {@code executed} / history, or an expansion (a subgraph
 * plus result values that may be {@link Link}s into it).
 *
 * @param values output values in RETURN_TYPES order; null when the call only shows UI
 * @param ui UI dict ({@code {"text": ["..."]}}) whose values are arrays, or null
 * @param expansion subgraph to splice in, or null
 */
public record NodeResult(List<Object> values, ObjectNode ui, Graph expansion) {
    public NodeResult {
        if (values != null) values = Collections.unmodifiableList(Arrays.asList(values.toArray()));
    }

    public static NodeResult of(Object... values) {
        return new NodeResult(Arrays.asList(values), null, null);
    }

    /** No result at all (a V3 node returning None): the node ends with zero output slots. */
    public static NodeResult nothing() {
        return new NodeResult(null, null, null);
    }

    /** UI only: the node ends without output slots (V1 {@code {"ui": ...}}). */
    public static NodeResult uiOnly(ObjectNode ui) {
        return new NodeResult(null, ui, null);
    }

    /** Expand into {@code graph}; each result is a value or a {@link Link} into the graph. */
    public static NodeResult expand(Graph graph, Object... results) {
        return new NodeResult(Arrays.asList(results), null, graph);
    }

    public NodeResult withUi(ObjectNode newUi) {
        return new NodeResult(values, newUi, expansion);
    }

    /** A UI dict with one key, e.g. {@code NodeResult.ui("text", "hello")} gives {"text": ["hello"]}. */
    public static ObjectNode ui(String key, Object... items) {
        ObjectNode ui = Json.object();
        ArrayNode list = ui.putArray(key);
        for (Object item : items) list.add(PyValues.toJson(item));
        return ui;
    }
}
