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
 *
 * <p>ComfyUI's payloads grow with the prompt, so a prompt's messages together grow with the square
 * of its size (a 10,000-node chain would send gigabytes). Up to {@link #MAX_LISTED} nodes the
 * payload is ComfyUI's; beyond that it lists every running node and the most recently finished
 * ones, {@code MAX_LISTED} in all (docs/compatibility.md).
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
    /** More non-pending nodes than this and a payload lists only the running and the latest finished ones. */
    static final int MAX_LISTED = 200;

    private final Map<String, State> nodes = new LinkedHashMap<>();
    /** Nodes not pending, in the order they last changed (a running node moves to the end). */
    private final LinkedHashMap<String, State> recent = new LinkedHashMap<>();
    private final Map<String, State> running = new LinkedHashMap<>();

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
        touched(nodeId, s);
        send();
    }

    void update(String nodeId, Number value, Number max) {
        State s = nodes.computeIfAbsent(nodeId, k -> new State());
        s.state = "running";
        s.value = value;
        s.max = max;
        s.json = null;
        touched(nodeId, s);
        send();
    }

    void finish(String nodeId) {
        State s = nodes.computeIfAbsent(nodeId, k -> new State());
        s.state = "finished";
        s.value = s.max;
        s.json = null;
        touched(nodeId, s);
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

    private void touched(String id, State s) {
        recent.remove(id);
        recent.put(id, s);
        if (s.state.equals("running")) running.put(id, s);
        else running.remove(id);
    }

    private void send() {
        ObjectNode data = Json.object();
        data.put("prompt_id", promptId);
        ObjectNode out = data.putObject("nodes");
        if (recent.size() <= MAX_LISTED) {
            nodes.forEach((id, s) -> {
                if (!s.state.equals("pending")) out.set(id, json(id, s));
            });
        } else {
            running.forEach((id, s) -> out.set(id, json(id, s)));
            // The latest finished ones, oldest first, walking back from the end of the recency list.
            java.util.ArrayDeque<String> latest = new java.util.ArrayDeque<>();
            int room = MAX_LISTED - running.size();
            for (var it = recent.sequencedKeySet().reversed().iterator(); it.hasNext() && latest.size() < room; ) {
                String id = it.next();
                if (!running.containsKey(id)) latest.addFirst(id);
            }
            for (String id : latest) out.set(id, json(id, recent.get(id)));
        }
        listener.event("progress_state", data);
    }

    private ObjectNode json(String id, State s) {
        if (s.json == null) s.json = entry(id, s);
        return s.json;
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
