package dev.comfy4j.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A workflow in ComfyUI's API format, built node by node and checked, as it is built, against the node
 * declarations of the engine or server it is for ({@code /object_info}): unknown classes, unknown inputs,
 * values of the wrong kind or outside their range, combo values that are not among the choices, links
 * between outputs and inputs of different types and output indexes out of range are refused with an
 * {@link IllegalArgumentException} naming the node and the input. The same workflow runs embedded
 * ({@code dev.comfy4j.embed}) or on a remote server ({@code dev.comfy4j.client}).
 *
 * <pre>{@code
 * Workflow w = Workflow.against(engine.objectInfo());
 * Workflow.Node ckpt = w.add("CheckpointLoaderSimple").set("ckpt_name", "v1-5-pruned-emaonly.safetensors");
 * Workflow.Node text = w.add("CLIPTextEncode").set("text", "a lighthouse").connect("clip", ckpt.out("CLIP"));
 * }</pre>
 *
 * <p>Not thread-safe; build on one thread, then hand {@link #toPrompt()} to any number of runs.
 */
public final class Workflow {
    private final JsonNode objectInfo;
    private final ObjectNode prompt = Json.object();
    private int nextId = 1;

    private Workflow(JsonNode objectInfo) {
        this.objectInfo = Objects.requireNonNull(objectInfo, "objectInfo");
    }

    /** A workflow for the node classes of {@code objectInfo} (the answer of {@code GET /object_info}). */
    public static Workflow against(JsonNode objectInfo) {
        if (!objectInfo.isObject()) throw new IllegalArgumentException("object_info must be a JSON object of node classes");
        return new Workflow(objectInfo);
    }

    /** Adds a node of {@code classType} under the next free numeric id. */
    public Node add(String classType) {
        String id = Integer.toString(nextId);
        while (prompt.has(id)) id = Integer.toString(++nextId);
        nextId++;
        return add(id, classType);
    }

    /** Adds a node of {@code classType} under {@code id} (ids are the keys of the API format). */
    public Node add(String id, String classType) {
        JsonNode info = objectInfo.get(classType);
        if (info == null) throw new IllegalArgumentException("no node class '" + classType + "' on this engine");
        if (prompt.has(id)) throw new IllegalArgumentException("node id " + id + " is already used");
        ObjectNode node = prompt.putObject(id);
        node.put("class_type", classType);
        node.putObject("inputs");
        return new Node(id, classType, info, node);
    }

    /**
     * The API-format prompt: {@code {id: {class_type, inputs}}}, a copy. Required widget inputs left
     * unset take their declared default, as ComfyUI's editor fills them; the rest is the caller's.
     */
    public ObjectNode toPrompt() {
        ObjectNode out = prompt.deepCopy();
        out.fields().forEachRemaining(entry -> {
            ObjectNode inputs = (ObjectNode) entry.getValue().get("inputs");
            JsonNode required = objectInfo.path(entry.getValue().get("class_type").asText()).path("input").path("required");
            required.fields().forEachRemaining(input -> {
                JsonNode declared = input.getValue().path(1).get("default");
                if (!inputs.has(input.getKey()) && declared != null) inputs.set(input.getKey(), declared.deepCopy());
            });
        });
        return out;
    }

    @Override
    public String toString() {
        return Json.write(prompt);
    }

    /** An output of a node of {@code workflow}, to connect to another node's input there. */
    public record Output(Workflow workflow, String nodeId, int index, String type) {
        @Override
        public String toString() {
            return "output " + index + " (" + type + ") of node " + nodeId;
        }
    }

    /** One node of the workflow; setters return the node so that calls chain. */
    public final class Node {
        private final String id;
        private final String classType;
        private final JsonNode info;
        private final ObjectNode json;

        private Node(String id, String classType, JsonNode info, ObjectNode json) {
            this.id = id;
            this.classType = classType;
            this.info = info;
            this.json = json;
        }

        public String id() {
            return id;
        }

        public String classType() {
            return classType;
        }

        /** Sets a widget input to a constant: a String, a Number or a Boolean of the declared kind. */
        public Node set(String input, Object value) {
            JsonNode spec = inputSpec(input);
            ((ObjectNode) json.get("inputs")).set(input, InputValues.check(classType, input, spec, value));
            return this;
        }

        /** Connects {@code input} to the output {@code from} of another node of this workflow. */
        public Node connect(String input, Output from) {
            JsonNode spec = inputSpec(input);
            if (from.workflow() != Workflow.this) throw new IllegalArgumentException(from + " belongs to another workflow");
            String want = InputValues.typeName(spec);
            if (!InputValues.typesMatch(want, from.type())) {
                throw new IllegalArgumentException(classType + "." + input + " takes " + want + ", not " + from.type()
                        + " (" + from + ")");
            }
            ArrayNode link = Json.array().add(from.nodeId()).add(from.index());
            ((ObjectNode) json.get("inputs")).set(input, link);
            return this;
        }

        /** Output {@code index} (0-based). */
        public Output out(int index) {
            JsonNode outputs = info.path("output");
            if (index < 0 || index >= outputs.size()) {
                throw new IllegalArgumentException(classType + " has " + outputs.size() + " outputs, no output " + index);
            }
            return new Output(Workflow.this, id, index, outputs.get(index).asText());
        }

        /** The output named {@code name} ({@code output_name} of the declaration, e.g. "CLIP"). */
        public Output out(String name) {
            JsonNode names = info.path("output_name");
            List<String> known = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).asText().equals(name)) return out(i);
                known.add(names.get(i).asText());
            }
            throw new IllegalArgumentException(classType + " has no output '" + name + "'; outputs: " + known);
        }

        private JsonNode inputSpec(String input) {
            for (String section : new String[] {"required", "optional"}) {
                JsonNode spec = info.path("input").path(section).get(input);
                if (spec != null) return spec;
            }
            List<String> known = new ArrayList<>();
            for (String section : new String[] {"required", "optional"}) info.path("input").path(section).fieldNames().forEachRemaining(known::add);
            throw new IllegalArgumentException(classType + " has no input '" + input + "'; inputs: " + known);
        }
    }
}
