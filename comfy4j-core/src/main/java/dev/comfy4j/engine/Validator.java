package dev.comfy4j.engine;

import static dev.comfy4j.engine.ValidationErrors.error;
import static dev.comfy4j.engine.ValidationErrors.info;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.InputCheck;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.ObjectInfo;
import dev.comfy4j.nodes.ValidatesInputs;
import dev.comfy4j.python.PyConvert;
import dev.comfy4j.python.PyError;
import dev.comfy4j.python.PyRepr;
import dev.comfy4j.python.PyValues;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ComfyUI's validate_prompt (execution spec §4): catalogue checks, output selection, then a
 * memoized walk from every output node through declared inputs that checks links, coerces widget
 * values (writing them back into the prompt), applies min/max/list checks and custom validators,
 * and reports node_errors keyed as ComfyUI keys them. Stateless and thread-safe; each call works on
 * its own copy of the prompt.
 */
final class Validator {
    private static final int LIST_SHOWN_MAX = 20;

    private final NodeRegistry registry;
    private final GraphLimits limits;

    Validator(NodeRegistry registry, GraphLimits limits) {
        this.registry = registry;
        this.limits = limits;
    }

    /** Prompts above this many nodes are validated on a thread with a deep stack (the walk is recursive). */
    private static final int DEEP_STACK_NODES = 256;
    private static final long DEEP_STACK_BYTES = 512L * 1024 * 1024;

    ValidationOutcome validate(JsonNode promptIn, List<String> targets) {
        ObjectNode tooLarge = limits.check(promptIn);
        if (tooLarge != null) return failure(tooLarge, null);
        if (promptIn == null || promptIn.size() <= DEEP_STACK_NODES) return validateHere(promptIn, targets);
        ValidationOutcome[] result = new ValidationOutcome[1];
        RuntimeException[] failure = new RuntimeException[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = validateHere(promptIn, targets);
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "validate-deep-prompt", DEEP_STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while validating", e);
        }
        if (failure[0] != null) throw failure[0];
        return result[0];
    }

    private ValidationOutcome validateHere(JsonNode promptIn, List<String> targets) {
        if (!(promptIn instanceof ObjectNode original)) {
            // ComfyUI crashes with a 500 here; we answer with the 400 envelope instead (compatibility notes).
            return failure(ValidationErrors.invalidPrompt("Cannot execute because the prompt is not a JSON object.",
                    "prompt is " + (promptIn == null ? "missing" : promptIn.getNodeType().name().toLowerCase())), null);
        }
        ObjectNode prompt = original.deepCopy();
        Set<String> outputs = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = prompt.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String id = e.getKey();
            JsonNode node = e.getValue();
            if (!node.isObject() || !node.has("class_type")) {
                return failure(ValidationErrors.invalidPrompt(
                        "Cannot execute because a node is missing the class_type property.", "Node ID '#" + id + "'"), prompt);
            }
            JsonNode classType = node.get("class_type");
            NodeRegistry.Entry entry = classType.isTextual() ? registry.get(classType.textValue()) : null;
            if (entry == null) {
                return failure(ValidationErrors.invalidPrompt("Cannot execute because node " + PyRepr.str(classType)
                        + " does not exist.", "Node ID '#" + id + "'"), prompt);
            }
            if (entry.schema().outputNode() && (targets == null || targets.contains(id))) outputs.add(id);
        }
        if (outputs.isEmpty()) {
            return failure(error("prompt_no_outputs", "Prompt has no outputs", "", null), prompt);
        }

        Walk walk = new Walk(prompt);
        List<String> good = new ArrayList<>();
        List<List<ObjectNode>> failedOwnErrors = new ArrayList<>();
        Map<String, ObjectNode> nodeErrors = new LinkedHashMap<>();
        for (String o : outputs) {
            Result r;
            try {
                r = walk.validateNode(o);
            } catch (RuntimeException | StackOverflowError ex) {
                PythonException p = PythonException.of(ex);
                ObjectNode extra = Json.object();
                extra.put("exception_type", p.type());
                extra.set("traceback", p.traceback());
                r = new Result(false, List.of(error("exception_during_validation", "Exception when validating node",
                        p.message(), extra)));
                walk.memo.put(o, r);
            }
            if (r.ok()) {
                good.add(o);
                continue;
            }
            failedOwnErrors.add(r.errors());
            // Every failing node seen so far lists this output (ComfyUI's shared-memo quirk, kept).
            walk.memo.forEach((nodeId, res) -> {
                if (res.ok() || res.errors().isEmpty()) return;
                ObjectNode entry = nodeErrors.computeIfAbsent(nodeId, k -> {
                    ObjectNode n = Json.object();
                    ArrayNode errs = n.putArray("errors");
                    res.errors().forEach(errs::add);
                    n.putArray("dependent_outputs");
                    n.put("class_type", prompt.get(nodeId).path("class_type").asText());
                    return n;
                });
                ((ArrayNode) entry.get("dependent_outputs")).add(o);
            });
        }
        ObjectNode errorsJson = Json.object();
        nodeErrors.forEach(errorsJson::set);
        if (good.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (List<ObjectNode> errs : failedOwnErrors) {
                for (ObjectNode e : errs) lines.add(e.get("message").asText() + ": " + e.get("details").asText());
            }
            ObjectNode err = error("prompt_outputs_failed_validation", "Prompt outputs failed validation",
                    String.join("\n", lines), null);
            return new ValidationOutcome(err, errorsJson, List.of(), prompt);
        }
        return new ValidationOutcome(null, errorsJson, List.copyOf(good), prompt);
    }

    private static ValidationOutcome failure(ObjectNode error, ObjectNode prompt) {
        return new ValidationOutcome(error, Json.object(), List.of(), prompt);
    }

    record Result(boolean ok, List<ObjectNode> errors) {}

    /** One validation pass over one prompt: the memo and the recursion state. */
    private final class Walk {
        final ObjectNode prompt;
        final Map<String, Result> memo = new LinkedHashMap<>();
        final Set<String> inProgress = new HashSet<>();

        Walk(ObjectNode prompt) {
            this.prompt = prompt;
        }

        Result validateNode(String id) {
            Result known = memo.get(id);
            if (known != null) return known;
            if (!inProgress.add(id)) {
                throw new PyError("graph.DependencyCycleError", "Dependency cycle detected");
            }
            Result own;
            try {
                own = validateInputs(id);
            } finally {
                inProgress.remove(id);
            }
            // A parent may have recorded a cycle on this node while it was still being validated:
            // keep that error (ComfyUI overwrites it and reports no node at all).
            Result recorded = memo.get(id);
            if (recorded != null) {
                List<ObjectNode> errors = new ArrayList<>(own.errors());
                errors.addAll(recorded.errors());
                own = new Result(false, errors);
            }
            memo.put(id, own);
            return own;
        }

        private Result validateInputs(String id) {
            ObjectNode node = (ObjectNode) prompt.get(id);
            NodeRegistry.Entry entry = registry.get(node.get("class_type").asText());
            NodeSchema schema = entry.schema();
            JsonNode inputsNode = node.get("inputs");
            if (!(inputsNode instanceof ObjectNode inputs)) throw PyError.keyError("inputs");
            ValidatesInputs validator = entry.prototype() instanceof ValidatesInputs v ? v : null;
            Set<String> validated = validator == null ? Set.of() : validator.validatedInputs();
            boolean skipTypeCheck = validator != null && validator.wantsInputTypes();

            List<ObjectNode> errors = new ArrayList<>();
            boolean valid = true;
            Map<String, String> receivedTypes = new LinkedHashMap<>();
            for (Input spec : schema.visibleInputs()) {
                String x = spec.name();
                if (!inputs.has(x)) {
                    if (spec.section() == Input.Section.REQUIRED) {
                        errors.add(error("required_input_missing", "Required input is missing", x, info(x, null)));
                    }
                    continue;
                }
                JsonNode val = inputs.get(x);
                ArrayNode config = ObjectInfo.inputConfig(schema.style(), spec);
                if (val.isArray()) {
                    if (val.size() != 2) {
                        ObjectNode extra = info(x, config);
                        extra.set("received_value", val);
                        errors.add(error("bad_linked_input",
                                "Bad linked input, must be a length-2 list of [node_id, slot_index]", x, extra));
                        continue;
                    }
                    String sourceId = linkSource(val.get(0));
                    if (!prompt.has(sourceId)) throw PyError.keyError(sourceId);
                    NodeSchema source = registry.get(prompt.get(sourceId).get("class_type").asText()).schema();
                    String receivedType = outputType(source, val.get(1));
                    receivedTypes.put(x, receivedType);
                    Object declared = declaredType(schema, spec);
                    if (!skipTypeCheck && !TypeCompatibility.compatible(receivedType, declared)) {
                        ObjectNode extra = info(x, config);
                        extra.put("received_type", receivedType);
                        extra.set("linked_node", val);
                        errors.add(error("return_type_mismatch", "Return type mismatch between linked nodes",
                                x + ", received_type(" + receivedType + ") mismatch input_type(" + PyRepr.str(declared) + ")",
                                extra));
                        continue;
                    }
                    try {
                        if (!validateNode(sourceId).ok()) valid = false;
                    } catch (RuntimeException | StackOverflowError ex) {
                        valid = false;
                        memo.put(sourceId, new Result(false, List.of(innerError(x, config, val, ex))));
                    }
                    continue;
                }
                if (val.isObject() && val.has("__value__")) {
                    val = val.get("__value__");
                    inputs.set(x, val);
                }
                Object value = PyValues.fromJson(val);
                String type = spec.isCombo() ? null : spec.type();
                if (isWidgetType(type)) {
                    try {
                        value = coerce(type, value);
                    } catch (PyError ex) {
                        ObjectNode extra = info(x, config);
                        extra.set("received_value", val);
                        extra.put("exception_message", ex.pythonMessage());
                        errors.add(error("invalid_input_type", "Failed to convert an input value to a " + type + " value",
                                x + ", " + PyRepr.str(value) + ", " + ex.pythonMessage(), extra));
                        continue;
                    }
                    val = PyValues.toJson(value);
                    inputs.set(x, val);
                }
                if (validator != null && (validated == null || validated.contains(x))) continue;
                ObjectNode rangeError = checkRange(spec, x, config, value, val);
                if (rangeError != null) {
                    errors.add(rangeError);
                    continue;
                }
                // Only list-typed (V1) combos are checked; "COMBO" + options never is (ComfyUI quirk, kept).
                if (spec.isCombo() && schema.style() == NodeSchema.Style.V1) {
                    List<?> choices = spec.comboOptions();
                    final Object v = value;
                    if (choices.stream().noneMatch(c -> PyValues.pyEquals(c, v))) {
                        errors.add(notInList(x, config, value, val, choices));
                    }
                }
            }
            if (validator != null) errors.addAll(runCustomValidator(id, schema, inputs, validator, validated, receivedTypes));
            return new Result(valid && errors.isEmpty(), errors);
        }

        private ObjectNode innerError(String x, ArrayNode config, JsonNode link, Throwable ex) {
            PythonException p = PythonException.of(ex);
            ObjectNode extra = info(x, config);
            extra.put("exception_message", p.message());
            extra.put("exception_type", p.type());
            extra.set("traceback", p.traceback());
            extra.set("linked_node", link);
            return error("exception_during_inner_validation", "Exception when validating inner node", p.message(), extra);
        }
    }

    /** ComfyUI's value_not_in_list error (execution spec §5); lists over 20 entries are not shown. */
    private static ObjectNode notInList(String x, ArrayNode config, Object value, JsonNode val, List<?> choices) {
        boolean longList = choices.size() > LIST_SHOWN_MAX;
        String listInfo = longList ? "(list of length " + choices.size() + ")" : PyRepr.repr(choices);
        ObjectNode extra = Json.object();
        extra.put("input_name", x);
        extra.set("input_config", longList ? Json.MAPPER.nullNode() : config);
        extra.set("received_value", val);
        return error("value_not_in_list", "Value not in list", x + ": '" + PyRepr.str(value) + "' not in " + listInfo, extra);
    }

    private static boolean isWidgetType(String type) {
        return "INT".equals(type) || "FLOAT".equals(type) || "STRING".equals(type) || "BOOLEAN".equals(type);
    }

    /** ComfyUI's int() / float() / str() / bool() coercion of widget values (execution spec §5). */
    static Object coerce(String type, Object value) {
        return switch (type) {
            case "INT" -> PyConvert.toInt(value);
            case "FLOAT" -> PyConvert.toFloat(value);
            case "STRING" -> PyConvert.toStr(value);
            case "BOOLEAN" -> PyConvert.toBool(value);
            default -> value;
        };
    }

    private static ObjectNode checkRange(Input spec, String x, ArrayNode config, Object value, JsonNode val) {
        if (!PyValues.isNumber(value)) return null;
        Object min = resolve(spec.options().get("min"));
        Object max = resolve(spec.options().get("max"));
        if (PyValues.isNumber(min) && lessThan(value, min)) {
            ObjectNode extra = info(x, config);
            extra.set("received_value", val);
            return error("value_smaller_than_min",
                    "Value " + PyRepr.str(value) + " smaller than min of " + PyRepr.str(min), x, extra);
        }
        if (PyValues.isNumber(max) && lessThan(max, value)) {
            ObjectNode extra = info(x, config);
            extra.set("received_value", val);
            return error("value_bigger_than_max",
                    "Value " + PyRepr.str(value) + " bigger than max of " + PyRepr.str(max), x, extra);
        }
        return null;
    }

    private static Object resolve(Object option) {
        return option instanceof java.util.function.Supplier<?> s ? s.get() : option;
    }

    /** Python's {@code a < b} for numbers: exact across int and float, false with NaN. */
    private static boolean lessThan(Object a, Object b) {
        if (PyValues.isNaN(a) || PyValues.isNaN(b)) return false;
        return PyValues.compareNumbers(a, b) < 0;
    }

    private static Object declaredType(NodeSchema schema, Input spec) {
        if (!spec.isCombo()) return spec.type();
        return schema.style() == NodeSchema.Style.V1 ? spec.comboOptions() : "COMBO";
    }

    /** {@code prompt[o_id]}: a non-string id cannot be a key of the prompt (KeyError, like Python). */
    private static String linkSource(JsonNode id) {
        if (id.isTextual()) return id.textValue();
        if (id.isArray() || id.isObject()) {
            throw PyError.typeError("unhashable type: '" + PyValues.typeName(PyValues.fromJson(id)) + "'");
        }
        throw new PyError("KeyError", PyRepr.repr(PyValues.fromJson(id)));
    }

    /** {@code RETURN_TYPES[index]} with Python's indexing rules and errors. */
    private static String outputType(NodeSchema source, JsonNode index) {
        List<String> types = source.outputTypes();
        BigInteger i;
        if (index.isBoolean()) {
            i = index.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        } else if (index.isIntegralNumber()) {
            i = index.bigIntegerValue();
        } else {
            throw PyError.typeError("tuple indices must be integers or slices, not "
                    + PyValues.typeName(PyValues.fromJson(index)));
        }
        BigInteger n = BigInteger.valueOf(types.size());
        if (i.signum() < 0) i = i.add(n);
        if (i.signum() < 0 || i.compareTo(n) >= 0) throw new PyError("IndexError", "tuple index out of range");
        return types.get(i.intValue());
    }

    /**
     * VALIDATE_INPUTS: called with the literal inputs it names (links are None, hidden values as
     * ComfyUI passes them during validation); each non-True result fails every input it was given.
     */
    private static List<ObjectNode> runCustomValidator(String id, NodeSchema schema, ObjectNode inputs,
                                                       ValidatesInputs validator, Set<String> params,
                                                       Map<String, String> receivedTypes) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = inputs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Input spec = schema.input(e.getKey()).orElse(null);
            boolean link = PromptNode.isLink(e.getValue()) && (spec == null || !spec.isRawLink());
            if (link) all.put(e.getKey(), null);
            else if (spec != null) all.put(e.getKey(), PyValues.fromJson(e.getValue()));
        }
        if (schema.style() == NodeSchema.Style.V1) {
            for (Input h : schema.hiddenInputs()) {
                all.put(h.name(), switch (h.hidden()) {
                    case PROMPT -> new HashMap<String, Object>();
                    case UNIQUE_ID -> id;
                    default -> null;
                });
            }
        }
        Map<String, Object> filtered = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (params == null || params.contains(k)) filtered.put(k, v);
        });
        if (params != null && params.isEmpty() && !validator.wantsInputTypes()) return List.of();
        if (validator.wantsInputTypes()) filtered.put("input_types", receivedTypes);
        InputCheck result;
        try {
            result = validator.validateInputs(NodeInputs.of(filtered), receivedTypes);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new PyError(PythonException.typeOf(e), PythonException.messageOf(e), e);
        }
        if (result == null || result.ok()) return List.of();
        if (result.notInList() != null) {
            String x = result.notInList().input();
            Input spec = schema.input(x).orElseThrow(() -> new IllegalStateException("no input " + x));
            JsonNode val = inputs.path(x);
            return List.of(notInList(x, ObjectInfo.inputConfig(schema.style(), spec), PyValues.fromJson(val), val,
                    result.notInList().choices()));
        }
        List<ObjectNode> errors = new ArrayList<>();
        for (String x : filtered.keySet()) {
            String details = result.message() == null ? x : x + " - " + result.message();
            errors.add(error("custom_validation_failed", "Custom validation failed for node", details,
                    info(x, null)));
        }
        return errors;
    }
}
