package dev.comfy4j.engine;

import dev.comfy4j.nodes.ExecutionBlocker;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * ComfyUI's _async_map_node_over_list (execution spec §8.2): calls a node function once with whole
 * lists (INPUT_IS_LIST) or once per list element, repeating the last element of shorter lists, and
 * short-circuits calls that receive an {@link ExecutionBlocker}.
 */
final class NodeCaller {
    /** One call of the node function for list element {@code index}. */
    @FunctionalInterface
    interface Call {
        Object apply(NodeInputs inputs, int index) throws Exception;
    }

    /** Hooks around each call: the interrupt check and the blocker report. */
    interface Hooks {
        void beforeCall();

        /** Returns what a blocked call yields (ComfyUI reports messages and then blocks silently). */
        ExecutionBlocker blocked(ExecutionBlocker blocker);
    }

    private NodeCaller() {}

    static List<Object> mapOverList(NodeSchema schema, Map<String, List<Object>> inputs, Hooks hooks, Call call)
            throws Exception {
        List<Object> results = new ArrayList<>();
        if (schema.inputIsList()) {
            Map<String, Object> args = new LinkedHashMap<>(inputs);
            results.add(callOnce(args, inputs.values().stream().flatMap(List::stream).toList(), 0, hooks, call));
            return results;
        }
        int maxLength = inputs.values().stream().mapToInt(List::size).max().orElse(0);
        if (maxLength == 0) {
            results.add(callOnce(Map.of(), List.of(), 0, hooks, call));
            return results;
        }
        for (int i = 0; i < maxLength; i++) {
            Map<String, Object> args = new LinkedHashMap<>();
            for (Map.Entry<String, List<Object>> e : inputs.entrySet()) {
                List<Object> values = e.getValue();
                if (values.isEmpty()) throw new dev.comfy4j.python.PyError("IndexError", "list index out of range");
                args.put(e.getKey(), values.get(Math.min(i, values.size() - 1)));
            }
            results.add(callOnce(args, args.values(), i, hooks, call));
        }
        return results;
    }

    private static Object callOnce(Map<String, Object> args, java.util.Collection<Object> scanned, int index,
                                   Hooks hooks, Call call) throws Exception {
        hooks.beforeCall();
        for (Object v : scanned) {
            if (v instanceof ExecutionBlocker b) return hooks.blocked(b);
        }
        return call.apply(NodeInputs.of(args), index);
    }
}
