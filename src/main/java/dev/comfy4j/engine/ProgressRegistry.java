package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.python.PyValues;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-prompt node progress (comfy_execution/progress.py): every start, update and finish sends a
 * {@code progress_state} with all nodes that are not pending. Numbers keep their types: a start is
 * 0.0/1.0, ticks carry what the node reported, a finish copies max into value.
 */
final class ProgressRegistry {
    private static final class State {
        String state = "pending";
        Number value = 0L;
        Number max = 1L;
        /** The node's entry as last sent; replaced (never changed) on updates, so payloads may share it. */
        ObjectNode json;
    }

    private final String promptId;
    private final DynamicPrompt prompt;
    private final ExecutionListener listener;
    private final Map<String, State> nodes = new LinkedHashMap<>();

    ProgressRegistry(String promptId, DynamicPrompt prompt, ExecutionListener listener) {
        this.promptId = promptId;
        this.prompt = prompt;
        this.listener = listener;
    }

    void start(String nodeId) {
        State s = nodes.computeIfAbsent(nodeId, k -> new State());
        s.state = "running";
        s.value = 0.0;
        s.max = 1.0;
        s.json = null;
        send();
    }

    void update(String nodeId, Number value, Number max) {
        State s = nodes.computeIfAbsent(nodeId, k -> new State());
        s.state = "running";
        s.value = value;
        s.max = max;
        s.json = null;
        send();
    }

    void finish(String nodeId) {
        State s = nodes.computeIfAbsent(nodeId, k -> new State());
        s.state = "finished";
        s.value = s.max;
        s.json = null;
        send();
    }

    /** Type-4 preview metadata for a node, keys in ComfyUI's order. */
    ObjectNode previewMetadata(String nodeId, String imageType) {
        ObjectNode m = Json.object();
        m.put("node_id", nodeId);
        m.put("prompt_id", promptId);
        m.put("display_node_id", prompt.displayNodeId(nodeId));
        m.put("parent_node_id", prompt.parentNodeId(nodeId));
        m.put("real_node_id", prompt.realNodeId(nodeId));
        m.put("image_type", imageType);
        return m;
    }

    private void send() {
        ObjectNode data = Json.object();
        data.put("prompt_id", promptId);
        ObjectNode out = data.putObject("nodes");
        nodes.forEach((id, s) -> {
            if (s.state.equals("pending")) return;
            if (s.json == null) s.json = entry(id, s);
            out.set(id, s.json);
        });
        listener.event("progress_state", data);
    }

    private ObjectNode entry(String id, State s) {
        ObjectNode n = Json.object();
        n.set("value", PyValues.toJson(s.value));
        n.set("max", PyValues.toJson(s.max));
        n.put("state", s.state);
        n.put("node_id", id);
        n.put("prompt_id", promptId);
        n.put("display_node_id", prompt.displayNodeId(id));
        n.put("parent_node_id", prompt.parentNodeId(id));
        n.put("real_node_id", prompt.realNodeId(id));
        return n;
    }
}
