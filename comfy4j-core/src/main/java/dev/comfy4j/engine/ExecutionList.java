package dev.comfy4j.engine;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Link;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.python.PyError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * ComfyUI's ExecutionList (execution spec §7.2): the pending nodes, what blocks what, and the
 * "UX-friendly" choice of the next node. The order of every map is insertion order, because the
 * order in which nodes run depends on it (and through it on the key order of each node's inputs).
 */
final class ExecutionList {
    private final DynamicPrompt prompt;
    private final NodeRegistry registry;
    private final Predicate<String> isCached;
    private final Set<String> pending = new LinkedHashSet<>();
    private final Map<String, Integer> blockCount = new LinkedHashMap<>();
    /** from -> (to -> sockets): {@code to} waits for {@code from}. */
    private final Map<String, Map<String, Set<Integer>>> blocking = new LinkedHashMap<>();
    private String staged;

    ExecutionList(DynamicPrompt prompt, NodeRegistry registry, Predicate<String> isCached) {
        this.prompt = prompt;
        this.registry = registry;
        this.isCached = isCached;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Adds {@code start} and, depth first, every uncached non-lazy upstream node. */
    void addNode(String start) {
        Deque<String> stack = new ArrayDeque<>();
        stack.push(start);
        List<String[]> links = new ArrayList<>();
        List<Integer> sockets = new ArrayList<>();
        while (!stack.isEmpty()) {
            String id = stack.pop();
            if (pending.contains(id)) continue;
            pending.add(id);
            blockCount.put(id, 0);
            blocking.put(id, new LinkedHashMap<>());
            PromptNode node = prompt.node(id);
            NodeSchema schema = registry.get(node.classType()) == null ? null : registry.get(node.classType()).schema();
            for (Map.Entry<String, Object> e : node.inputs().entrySet()) {
                if (!(e.getValue() instanceof Link link)) continue;
                boolean lazy = schema != null && schema.input(e.getKey()).map(Input::isLazy).orElse(false);
                if (!lazy && !isCached.test(link.nodeId())) {
                    stack.push(link.nodeId());
                    links.add(new String[] {link.nodeId(), id});
                    sockets.add(link.slot());
                }
            }
        }
        for (int i = 0; i < links.size(); i++) addStrongLink(links.get(i)[0], sockets.get(i), links.get(i)[1]);
    }

    void addStrongLink(String from, int socket, String to) {
        if (!isCached.test(from)) {
            addNode(from);
            Map<String, Set<Integer>> targets = blocking.get(from);
            if (!targets.containsKey(to)) {
                targets.put(to, new LinkedHashSet<>());
                blockCount.merge(to, 1, Integer::sum);
            }
            targets.get(to).add(socket);
        }
    }

    /** Lazy evaluation asked for {@code inputName}: the node now waits for its source. */
    void makeInputStrongLink(String to, String inputName) {
        PromptNode node = prompt.node(to);
        if (!node.inputs().containsKey(inputName)) {
            throw new PyError("comfy_execution.graph.NodeInputError",
                    "Node " + to + " says it needs input " + inputName + ", but there is no input to that node at all");
        }
        if (!(node.inputs().get(inputName) instanceof Link link)) {
            throw new PyError("comfy_execution.graph.NodeInputError",
                    "Node " + to + " says it needs input " + inputName + ", but that value is a constant");
        }
        addStrongLink(link.nodeId(), link.slot(), to);
    }

    /** The result of staging: a node to run, or the cycle that leaves nothing runnable. */
    sealed interface Staged {
        record Ready(String nodeId) implements Staged {}

        record Cycle(String blamedNodeId) implements Staged {}
    }

    Staged stageNodeExecution() {
        List<String> ready = new ArrayList<>();
        for (String id : pending) if (blockCount.get(id) == 0) ready.add(id);
        if (ready.isEmpty()) return new Staged.Cycle(blameCycle());
        staged = pickNode(ready);
        return new Staged.Ready(staged);
    }

    void unstageNodeExecution() {
        staged = null;
    }

    void completeNodeExecution() {
        String id = staged;
        pending.remove(id);
        for (String to : blocking.get(id).keySet()) blockCount.merge(to, -1, Integer::sum);
        blocking.remove(id);
        blockCount.remove(id);
        staged = null;
    }

    private boolean isOutput(String id) {
        NodeRegistry.Entry e = registry.get(prompt.node(id).classType());
        return e != null && e.schema().outputNode();
    }

    /** ux_friendly_pick_node: outputs first, then nodes feeding outputs, then feeding those, else the first. */
    private String pickNode(List<String> ready) {
        for (String id : ready) if (isOutput(id)) return id;
        for (String id : ready) {
            for (String to : blocking.get(id).keySet()) if (isOutput(to)) return id;
        }
        for (String id : ready) {
            for (String to : blocking.get(id).keySet()) {
                for (String next : blocking.get(to).keySet()) if (isOutput(next)) return id;
            }
        }
        return ready.get(0);
    }

    /** Strips nodes nothing blocks until only the cycle (and what hangs off it) remains. */
    private String blameCycle() {
        Map<String, Set<String>> blockedBy = new LinkedHashMap<>();
        for (String id : pending) blockedBy.put(id, new LinkedHashSet<>());
        blocking.forEach((from, targets) -> targets.forEach((to, sockets) -> {
            if (!sockets.isEmpty() && blockedBy.containsKey(to)) blockedBy.get(to).add(from);
        }));
        while (true) {
            List<String> free = blockedBy.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
            if (free.isEmpty()) break;
            for (String id : free) {
                blockedBy.remove(id);
                blockedBy.values().forEach(s -> s.remove(id));
            }
        }
        List<String> cycle = new ArrayList<>(blockedBy.keySet());
        if (cycle.isEmpty()) cycle = new ArrayList<>(pending);
        for (String id : cycle) {
            String display = prompt.displayNodeId(id);
            if (!display.equals(id)) return display;
        }
        return cycle.get(0);
    }
}
