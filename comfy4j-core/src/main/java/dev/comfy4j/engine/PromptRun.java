package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.cache.CacheSet;
import dev.comfy4j.engine.cache.Fingerprints;
import dev.comfy4j.engine.cache.NodeCache;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.ExecutionBlocker;
import dev.comfy4j.nodes.Fingerprinted;
import dev.comfy4j.nodes.Graph;
import dev.comfy4j.nodes.GraphBuilder;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.LazyInputs;
import dev.comfy4j.nodes.Link;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.ProcessingInterrupted;
import dev.comfy4j.python.PyError;
import dev.comfy4j.python.PyRepr;
import dev.comfy4j.python.PyValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One execution of one validated prompt (ComfyUI's PromptExecutor.execute, execution spec §7):
 * prepares the caches, builds the execution list, runs node after node and reports every step.
 * Single-threaded; a new instance per prompt.
 */
final class PromptRun {
    private enum Status { SUCCESS, FAILURE, PENDING }

    /** How a node call ended when it did not succeed. */
    private record Failure(String nodeId, boolean interrupted, ObjectNode details) {}

    /** A result of an expanding call: a plain result, or one whose links point into the subgraph. */
    private record SubgraphResult(boolean isSubgraph, List<Object> values) {}

    private final NodeRegistry registry;
    private final ServerConfig config;
    private final CacheSet caches;
    private final BooleanSupplier consumeInterrupt;
    private final String promptId;
    private final ObjectNode promptJson;
    private final ObjectNode extraData;
    private final List<String> outputsToExecute;
    private final ExecutionListener listener;

    private DynamicPrompt prompt;
    private ProgressRegistry progress;
    private ExecutionList executionList;
    private final Set<String> executed = new LinkedHashSet<>();
    private final Map<String, List<SubgraphResult>> pendingSubgraphResults = new HashMap<>();
    private List<String> currentOutputs = List.of();
    private Failure failure;
    /** The node being executed, for errors the executor itself hits. */
    private String staged;

    PromptRun(NodeRegistry registry, ServerConfig config, CacheSet caches, BooleanSupplier consumeInterrupt,
              String promptId, ObjectNode promptJson, ObjectNode extraData, List<String> outputsToExecute,
              ExecutionListener listener) {
        this.registry = registry;
        this.config = config;
        this.caches = caches;
        this.consumeInterrupt = consumeInterrupt;
        this.promptId = promptId;
        this.promptJson = promptJson;
        this.extraData = extraData == null ? Json.object() : extraData;
        this.outputsToExecute = outputsToExecute;
        this.listener = listener;
    }

    ExecutionOutcome run() {
        emit("execution_start", withPrompt(Json.object()), true);
        Map<String, PromptNode> nodes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = promptJson.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            nodes.put(e.getKey(), PromptNode.fromJson(e.getKey(), (ObjectNode) e.getValue()));
        }
        prompt = new DynamicPrompt(nodes);
        progress = new ProgressRegistry(promptId, prompt, listener);
        Fingerprints fingerprints = new IsChangedCache();
        for (NodeCache cache : caches.all()) {
            cache.setPrompt(prompt, prompt.originalIds(), fingerprints);
            cache.cleanUnused();
        }
        ObjectNode cachedEvent = Json.object();
        ArrayNode cached = cachedEvent.putArray("nodes");
        for (String id : prompt.originalIds()) if (caches.outputs().get(id) != null) cached.add(id);
        emit("execution_cached", withPrompt(cachedEvent), true);

        boolean success;
        String current = null;
        try {
            executionList = new ExecutionList(prompt, registry, id -> caches.outputs().get(id) != null);
            currentOutputs = List.copyOf(caches.outputs().allNodeIds());
            for (String o : outputsToExecute) {
                current = o;
                executionList.addNode(o);
            }
            success = loop();
        } catch (RuntimeException | StackOverflowError ex) {
            // The graph itself is broken (a link to a node that does not exist, say): ComfyUI's executor
            // crashes here; we report it like a node error so the worker carries on.
            PythonException p = PythonException.of(ex);
            ObjectNode details = Json.object();
            details.put("exception_message", p.message() + "\n");
            details.put("exception_type", p.type());
            details.set("traceback", p.traceback());
            details.set("current_inputs", Json.object());
            String blamed = staged != null ? prompt.realNodeId(staged) : current;
            reportFailure(new Failure(blamed, false, details));
            success = false;
        }
        if (success) emit("execution_success", withPrompt(Json.object()), true);
        return outcome(success);
    }

    /** Runs staged nodes until the list is empty, a node fails or a cycle blocks everything. */
    private boolean loop() {
        while (!executionList.isEmpty()) {
            ExecutionList.Staged next = executionList.stageNodeExecution();
            if (next instanceof ExecutionList.Staged.Cycle cycle) {
                ObjectNode details = Json.object();
                details.put("node_id", cycle.blamedNodeId());
                details.put("exception_message", "Dependency cycle detected");
                details.put("exception_type", "graph.DependencyCycleError");
                details.putArray("traceback");
                details.putArray("current_inputs");
                reportFailure(new Failure(cycle.blamedNodeId(), false, details));
                return false;
            }
            String nodeId = ((ExecutionList.Staged.Ready) next).nodeId();
            staged = nodeId;
            Status status = executeNode(nodeId);
            if (status == Status.FAILURE) {
                reportFailure(failure);
                return false;
            }
            if (status == Status.PENDING) executionList.unstageNodeExecution();
            else executionList.completeNodeExecution();
        }
        return true;
    }

    private ExecutionOutcome outcome(boolean success) {
        ObjectNode outputs = Json.object();
        ObjectNode meta = Json.object();
        for (String id : caches.ui().allNodeIds()) {
            if (caches.ui().get(id) instanceof ObjectNode entry) {
                outputs.set(id, entry.get("output"));
                meta.set(id, entry.get("meta"));
            }
        }
        return new ExecutionOutcome(success, outputs, meta);
    }

    // ---------------------------------------------------------------- one node

    private Status executeNode(String id) {
        PromptNode node = prompt.node(id);
        String real = prompt.realNodeId(id);
        String display = prompt.displayNodeId(id);
        NodeRegistry.Entry entry = registry.get(node.classType());
        if (caches.outputs().get(id) != null) {
            ObjectNode executedEvent = Json.object();
            executedEvent.put("node", id);
            executedEvent.put("display_node", display);
            executedEvent.set("output", caches.ui().get(id) instanceof ObjectNode ui ? ui.get("output") : Json.MAPPER.nullNode());
            executedEvent.put("prompt_id", promptId);
            emit("executed", executedEvent, false);
            progress.finish(id);
            return Status.SUCCESS;
        }
        Map<String, List<Object>> inputData = null;
        try {
            if (entry == null) throw PyError.keyError(node.classType());
            NodeSchema schema = entry.schema();
            List<List<Object>> outputData;
            ObjectNode ui = null;
            List<Object[]> subgraphs = null;
            if (pendingSubgraphResults.containsKey(id)) {
                outputData = resolveSubgraphResults(schema, pendingSubgraphResults.get(id));
            } else {
                progress.start(id);
                Set<String> missing = new HashSet<>();
                inputData = inputData(node, schema, true, missing);
                ObjectNode executing = Json.object();
                executing.put("node", id);
                executing.put("display_node", display);
                executing.put("prompt_id", promptId);
                emit("executing", executing, false);
                Node instance = (Node) caches.objects().get(id);
                if (instance == null) {
                    instance = entry.factory().get();
                    caches.objects().set(id, instance);
                }
                if (instance instanceof LazyInputs lazy) {
                    List<String> needed = lazyInputsNeeded(id, schema, lazy, inputData, missing, node);
                    if (!needed.isEmpty()) {
                        for (String name : needed) executionList.makeInputStrongLink(id, name);
                        return Status.PENDING;
                    }
                }
                final Node target = instance;
                List<Object> results = NodeCaller.mapOverList(schema, inputData, hooks(id, node.classType(), true),
                        (in, index) -> target.execute(in, new Context(id, index)));
                Returns returns = collectReturns(schema, results);
                ui = returns.ui;
                outputData = returns.merged;
                subgraphs = returns.subgraphs;
            }
            if (ui != null && !ui.isEmpty()) {
                ObjectNode uiEntry = Json.object();
                ObjectNode meta = uiEntry.putObject("meta");
                meta.put("node_id", id);
                meta.put("display_node", display);
                meta.put("parent_node", prompt.parentNodeId(id));
                meta.put("real_node_id", real);
                uiEntry.set("output", ui);
                caches.ui().set(id, uiEntry);
                ObjectNode executedEvent = Json.object();
                executedEvent.put("node", id);
                executedEvent.put("display_node", display);
                executedEvent.set("output", ui);
                executedEvent.put("prompt_id", promptId);
                emit("executed", executedEvent, false);
            }
            if (subgraphs != null) {
                expand(id, subgraphs);
                return Status.PENDING;
            }
            caches.outputs().set(id, outputData);
        } catch (ProcessingInterrupted interrupted) {
            failure = new Failure(real, true, null);
            return Status.FAILURE;
        } catch (Exception | StackOverflowError | OutOfMemoryError | LinkageError | AssertionError ex) {
            PythonException p = PythonException.of(ex);
            ObjectNode details = Json.object();
            details.put("node_id", real);
            details.put("exception_message", p.message() + "\n");
            details.put("exception_type", p.type());
            details.set("traceback", p.traceback());
            details.set("current_inputs", formatInputs(inputData));
            failure = new Failure(real, false, details);
            return Status.FAILURE;
        }
        progress.finish(id);
        executed.add(id);
        return Status.SUCCESS;
    }

    /** check_lazy_status: the lazy inputs the node asks for that are not evaluated yet. */
    private List<String> lazyInputsNeeded(String id, NodeSchema schema, LazyInputs lazy, Map<String, List<Object>> inputData,
                                          Set<String> missing, PromptNode node) throws Exception {
        List<Object> answers = NodeCaller.mapOverList(schema, inputData, hooks(id, node.classType(), false),
                (in, index) -> lazy.checkLazyStatus(in, new Context(id, index)));
        Set<String> needed = new LinkedHashSet<>();
        for (Object answer : answers) {
            if (!(answer instanceof List<?> names)) continue;
            for (Object name : names) {
                if (name instanceof String s && (!inputData.containsKey(s) || missing.contains(s))) needed.add(s);
            }
        }
        return new ArrayList<>(needed);
    }

    private NodeCaller.Hooks hooks(String id, String classType, boolean reportBlocks) {
        return new NodeCaller.Hooks() {
            @Override
            public void beforeCall() {
                checkInterrupt();
            }

            @Override
            public ExecutionBlocker blocked(ExecutionBlocker blocker) {
                if (!reportBlocks || blocker.message() == null) return blocker;
                ObjectNode mes = Json.object();
                mes.put("prompt_id", promptId);
                mes.put("node_id", id);
                mes.put("node_type", classType);
                ArrayNode done = mes.putArray("executed");
                executed.forEach(done::add);
                mes.put("exception_message", "Execution Blocked: " + blocker.message());
                mes.put("exception_type", "ExecutionBlocked");
                mes.putArray("traceback");
                mes.putArray("current_inputs");
                mes.putArray("current_outputs");
                listener.executionBlocked(mes);
                return ExecutionBlocker.SILENT;
            }
        };
    }

    private void checkInterrupt() {
        if (consumeInterrupt.getAsBoolean()) throw new ProcessingInterrupted();
    }

    // ---------------------------------------------------------------- inputs

    /**
     * get_input_data: every input in prompt order as a list of values. Links give the upstream
     * slot's list (or [None], marked missing, when it has not run); literals of declared inputs give
     * [value]; V1 hidden inputs are injected under their names.
     *
     * @param withOutputs false while fingerprinting: links are None and PROMPT is {}
     */
    private Map<String, List<Object>> inputData(PromptNode node, NodeSchema schema, boolean withOutputs, Set<String> missing) {
        Map<String, List<Object>> data = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : node.inputs().entrySet()) {
            Input spec = schema.input(e.getKey()).orElse(null);
            if (e.getValue() instanceof Link link && (spec == null || !spec.isRawLink())) {
                List<Object> slot = withOutputs ? slot(link) : null;
                if (slot == null) {
                    missing.add(e.getKey());
                    data.put(e.getKey(), Collections.singletonList(null));
                } else {
                    data.put(e.getKey(), slot);
                }
            } else if (spec != null) {
                Object v = e.getValue() instanceof Link link ? link.asList() : e.getValue();
                data.put(e.getKey(), Collections.singletonList(v));
            }
        }
        if (schema.style() == NodeSchema.Style.V1) {
            for (Input h : schema.hiddenInputs()) {
                data.put(h.name(), Collections.singletonList(hiddenValue(h.hidden(), node.id(), withOutputs)));
            }
        }
        return data;
    }

    @SuppressWarnings("unchecked")
    private List<Object> slot(Link link) {
        Object cached = caches.outputs().get(link.nodeId());
        if (!(cached instanceof List<?> slots)) return null;
        int index = link.slot() < 0 ? link.slot() + slots.size() : link.slot();
        if (index < 0 || index >= slots.size()) return null;
        return (List<Object>) slots.get(index);
    }

    private Object hiddenValue(Hidden kind, String nodeId, boolean executing) {
        return switch (kind) {
            case PROMPT -> executing ? promptJson : new HashMap<String, Object>();
            case DYNPROMPT -> executing ? prompt : null;
            case EXTRA_PNGINFO -> executing ? nullIfMissing(extraData.get("extra_pnginfo")) : null;
            case UNIQUE_ID -> nodeId;
            case AUTH_TOKEN_COMFY_ORG -> PyValues.fromJson(extraData.get("auth_token_comfy_org"));
            case API_KEY_COMFY_ORG -> PyValues.fromJson(extraData.get("api_key_comfy_org"));
        };
    }

    private static Object nullIfMissing(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static ObjectNode formatInputs(Map<String, List<Object>> inputData) {
        ObjectNode out = Json.object();
        if (inputData == null) return out;
        inputData.forEach((name, values) -> {
            ArrayNode list = out.putArray(name);
            for (Object v : values) {
                if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) list.add(PyValues.toJson(v));
                else list.add(PyRepr.str(v));
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- results

    private record Returns(List<List<Object>> merged, ObjectNode ui, List<Object[]> subgraphs) {}

    /** get_output_from_returns + merge_result_data (execution spec §8.3). */
    private Returns collectReturns(NodeSchema schema, List<Object> results) {
        List<List<Object>> tuples = new ArrayList<>();
        List<Object[]> subgraphEntries = new ArrayList<>();
        List<ObjectNode> uis = new ArrayList<>();
        boolean hasSubgraph = false;
        for (Object r : results) {
            if (r instanceof ExecutionBlocker b) {
                List<Object> blocked = Collections.nCopies(schema.outputs().size(), b);
                tuples.add(blocked);
                subgraphEntries.add(new Object[] {null, blocked});
            } else if (r instanceof NodeResult nr) {
                if (nr.ui() != null) uis.add(nr.ui());
                if (nr.expansion() != null) {
                    hasSubgraph = true;
                    subgraphEntries.add(new Object[] {nr.expansion(), nr.values() == null ? List.of() : nr.values()});
                } else if (nr.values() != null) {
                    tuples.add(nr.values());
                    subgraphEntries.add(new Object[] {null, nr.values()});
                }
            } else {
                throw PyError.typeError("node returned " + (r == null ? "None" : r.getClass().getSimpleName())
                        + " instead of a NodeResult");
            }
        }
        ObjectNode ui = mergeUi(uis);
        if (hasSubgraph) return new Returns(null, ui, subgraphEntries);
        return new Returns(tuples.isEmpty() ? List.of() : merge(schema, tuples), ui, null);
    }

    /** One slot per output: list outputs concatenate each call's list, others collect one value per call. */
    private static List<List<Object>> merge(NodeSchema schema, List<List<Object>> tuples) {
        int slots = tuples.get(0).size();
        List<List<Object>> out = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++) {
            boolean isList = i < schema.outputs().size() && schema.outputs().get(i).isList();
            List<Object> values = new ArrayList<>();
            for (List<Object> t : tuples) {
                if (i >= t.size()) throw new PyError("IndexError", "tuple index out of range");
                Object v = t.get(i);
                if (isList && v instanceof List<?> l) values.addAll(l);
                else values.add(v);
            }
            out.add(values);
        }
        return out;
    }

    /** UI dicts of all calls: keys of the first, each key's arrays concatenated in call order. */
    private static ObjectNode mergeUi(List<ObjectNode> uis) {
        if (uis.isEmpty()) return null;
        if (uis.size() == 1) return uis.get(0);
        ObjectNode merged = Json.object();
        for (Iterator<String> keys = uis.get(0).fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            ArrayNode all = merged.putArray(key);
            for (ObjectNode ui : uis) {
                JsonNode v = ui.get(key);
                if (v == null) continue;
                if (v.isArray()) all.addAll((ArrayNode) v);
                else all.add(v);
            }
        }
        return merged;
    }

    // ---------------------------------------------------------------- expansion

    private void expand(String id, List<Object[]> entries) {
        List<SubgraphResult> pendingResults = new ArrayList<>();
        List<String> newNodeIds = new ArrayList<>();
        List<String> newOutputIds = new ArrayList<>();
        List<Link> newOutputLinks = new ArrayList<>();
        for (Object[] e : entries) {
            Graph graph = (Graph) e[0];
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) e[1];
            if (graph == null) {
                pendingResults.add(new SubgraphResult(false, values));
                continue;
            }
            for (String nodeId : graph.nodes().keySet()) {
                if (prompt.hasNode(nodeId)) {
                    throw new PyError("execution.DuplicateNodeError", "Attempt to add duplicate node " + nodeId
                            + ". Ensure node ids are unique and deterministic or use graph_utils.GraphBuilder.");
                }
            }
            for (Map.Entry<String, Graph.Node> n : graph.nodes().entrySet()) {
                Graph.Node gn = n.getValue();
                NodeRegistry.Entry childEntry = registry.get(gn.classType());
                if (childEntry == null) throw PyError.keyError(gn.classType());
                newNodeIds.add(n.getKey());
                String displayId = gn.overrideDisplayId() != null ? gn.overrideDisplayId() : id;
                prompt.addEphemeral(new PromptNode(n.getKey(), gn.classType(), linksOf(gn.inputs()), null), id, displayId);
                if (childEntry.schema().outputNode()) newOutputIds.add(n.getKey());
            }
            for (Object v : values) if (v instanceof Link l) newOutputLinks.add(l);
            pendingResults.add(new SubgraphResult(true, values));
        }
        for (NodeCache cache : caches.all()) cache.ensureSubcacheFor(id, newNodeIds).cleanUnused();
        for (String o : newOutputIds) executionList.addNode(o);
        for (Link l : newOutputLinks) executionList.addStrongLink(l.nodeId(), l.slot(), id);
        pendingSubgraphResults.put(id, pendingResults);
    }

    /** Subgraph inputs written Python-style as {@code [id, slot]} lists count as links too. */
    private static Map<String, Object> linksOf(Map<String, Object> inputs) {
        Map<String, Object> out = new LinkedHashMap<>();
        inputs.forEach((k, v) -> {
            if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String from && l.get(1) instanceof Number slot
                    && !(slot instanceof Double)) {
                out.put(k, new Link(from, slot.intValue()));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The expanding node runs again once its subgraph is done: links are replaced by the values they produced. */
    private List<List<Object>> resolveSubgraphResults(NodeSchema schema, List<SubgraphResult> pendingResults) {
        List<List<Object>> resolved = new ArrayList<>();
        for (SubgraphResult r : pendingResults) {
            if (!r.isSubgraph()) {
                resolved.add(r.values());
                continue;
            }
            List<Object> values = new ArrayList<>();
            for (Object v : r.values()) {
                if (v instanceof Link link) {
                    List<Object> slot = slot(link);
                    if (slot == null) throw PyError.typeError("'NoneType' object is not subscriptable");
                    values.addAll(slot);
                } else {
                    values.add(v);
                }
            }
            resolved.add(values);
        }
        return resolved.isEmpty() ? List.of() : merge(schema, resolved);
    }

    // ---------------------------------------------------------------- events

    private void reportFailure(Failure f) {
        String classType = prompt.hasNode(f.nodeId()) ? prompt.node(f.nodeId()).classType() : null;
        ObjectNode mes = Json.object();
        mes.put("prompt_id", promptId);
        mes.put("node_id", f.nodeId());
        mes.put("node_type", classType);
        ArrayNode done = mes.putArray("executed");
        executed.forEach(done::add);
        if (f.interrupted()) {
            emit("execution_interrupted", mes, true);
            return;
        }
        mes.set("exception_message", f.details().get("exception_message"));
        mes.set("exception_type", f.details().get("exception_type"));
        mes.set("traceback", f.details().get("traceback"));
        mes.set("current_inputs", f.details().get("current_inputs"));
        ArrayNode outs = mes.putArray("current_outputs");
        currentOutputs.forEach(outs::add);
        emit("execution_error", mes, true);
    }

    private ObjectNode withPrompt(ObjectNode data) {
        data.put("prompt_id", promptId);
        return data;
    }

    private void emit(String type, ObjectNode data, boolean timestamped) {
        if (timestamped) data.put("timestamp", System.currentTimeMillis());
        listener.event(type, data);
    }

    // ---------------------------------------------------------------- helpers

    /** IS_CHANGED for every node, evaluated once per prompt and written into the prompt (§11.2). */
    private final class IsChangedCache implements Fingerprints {
        private final Map<String, Object> values = new HashMap<>();

        @Override
        public Object isChanged(String nodeId) {
            if (values.containsKey(nodeId)) return values.get(nodeId);
            Object value = compute(nodeId);
            values.put(nodeId, value);
            return value;
        }

        private Object compute(String nodeId) {
            PromptNode node = prompt.node(nodeId);
            NodeRegistry.Entry entry = registry.get(node.classType());
            if (entry == null || !(entry.prototype() instanceof Fingerprinted f)) return false;
            JsonNode override = node.isChangedOverride();
            if (override != null) return PyValues.fromJson(override);
            try {
                Map<String, List<Object>> data = inputData(node, entry.schema(), false, new HashSet<>());
                List<Object> results = NodeCaller.mapOverList(entry.schema(), data, new NodeCaller.Hooks() {
                    @Override public void beforeCall() {}

                    @Override public ExecutionBlocker blocked(ExecutionBlocker b) { return b; }
                }, (in, index) -> f.fingerprint(in));
                List<Object> fingerprint = new ArrayList<>();
                for (Object r : results) fingerprint.add(r instanceof ExecutionBlocker ? null : r);
                if (node.json() != null) node.json().set("is_changed", PyValues.toJson(fingerprint));
                return fingerprint;
            } catch (Exception ex) {
                return Double.NaN;
            }
        }
    }

    /** The context of one node call. */
    private final class Context implements NodeContext {
        private final String nodeId;
        private final int listIndex;
        private int graphs;

        Context(String nodeId, int listIndex) {
            this.nodeId = nodeId;
            this.listIndex = listIndex;
        }

        @Override public String promptId() { return promptId; }

        @Override public String uniqueId() { return nodeId; }

        @Override public int listIndex() { return listIndex; }

        @Override public ServerConfig config() { return config; }

        @Override public ObjectNode prompt() { return promptJson; }

        @Override public JsonNode extraPngInfo() { return (JsonNode) nullIfMissing(extraData.get("extra_pnginfo")); }

        @Override
        public void progress(Number value, Number max) {
            progress(value, max, null, null);
        }

        @Override
        public void progress(Number value, Number max, String imageType, byte[] encodedImage) {
            checkInterrupt();
            Number shown = PyValues.compareNumbers(value, max) > 0 ? max : value;
            PromptRun.this.progress.update(nodeId, shown, max);
            if (encodedImage != null) {
                listener.previewImage(imageType, encodedImage, PromptRun.this.progress.previewMetadata(nodeId, imageType));
            }
            ObjectNode p = Json.object();
            p.set("value", PyValues.toJson(shown));
            p.set("max", PyValues.toJson(max));
            p.put("prompt_id", promptId);
            p.put("node", nodeId);
            listener.event("progress", p);
        }

        @Override
        public void progressText(String text) {
            listener.progressText(nodeId, text);
        }

        @Override
        public void checkInterrupt() {
            PromptRun.this.checkInterrupt();
        }

        @Override
        public GraphBuilder graphBuilder() {
            return new GraphBuilder(nodeId + "." + listIndex + "." + (graphs++) + ".");
        }
    }
}
