package dev.comfy4j.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a UI workflow (the editor's litegraph "nodes/links" JSON) into an API prompt the way the
 * editor's "queue prompt" does: nodes in their stored execution order, each widget value taken in the
 * order of the class's inputs in {@code /object_info} ({@code input_order} when given), the extra
 * widget values that are not inputs skipped ("control after generate" beside a seed, the upload
 * button beside an image list), and every linked input written as {@code [source node id, output slot]}.
 * Strict: a node class or input it cannot place is an error, so a broken template fails its test.
 */
final class UiToApi {
    static final Set<String> WIDGET_TYPES = Set.of("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO");

    private UiToApi() {}

    /** One widget input with the value the template gives it (for checks against the declaration). */
    record WidgetValue(String nodeId, String classType, String input, JsonNode spec, JsonNode value) {}

    static ObjectNode convert(JsonNode workflow, JsonNode objectInfo) {
        return convert(workflow, objectInfo, new ArrayList<>());
    }

    static ObjectNode convert(JsonNode workflow, JsonNode objectInfo, List<WidgetValue> widgetsSeen) {
        Map<Integer, int[]> links = new HashMap<>();
        for (JsonNode link : workflow.path("links")) {
            links.put(link.get(0).asInt(), new int[] {link.get(1).asInt(), link.get(2).asInt()});
        }
        List<JsonNode> nodes = new ArrayList<>();
        workflow.path("nodes").forEach(nodes::add);
        nodes.sort(Comparator.comparingInt(n -> n.path("order").asInt()));

        ObjectNode prompt = Json.object();
        for (JsonNode node : nodes) {
            int mode = node.path("mode").asInt(0);
            if (mode == 2) continue; // muted: left out of the prompt
            if (mode != 0) throw new IllegalArgumentException("node " + node.get("id") + ": mode " + mode + " is not supported here");
            String id = node.get("id").asText();
            String type = node.path("type").asText();
            JsonNode info = objectInfo.get(type);
            if (info == null) throw new IllegalArgumentException("node " + id + ": class " + type + " is not in /object_info");

            Map<String, JsonNode> slotByName = new HashMap<>();
            for (JsonNode slot : node.path("inputs")) slotByName.put(slot.path("name").asText(), slot);
            Iterator<JsonNode> widgetValues = node.path("widgets_values").iterator();

            ObjectNode inputs = Json.object();
            for (String name : inputOrder(info)) {
                JsonNode spec = info.path("input").path("required").has(name)
                        ? info.path("input").path("required").get(name) : info.path("input").path("optional").get(name);
                JsonNode slot = slotByName.get(name);
                ArrayNode link = slot == null || slot.path("link").isNull() || slot.path("link").isMissingNode()
                        ? null : linkOf(links, slot.get("link").asInt(), id, name);
                if (isSocket(spec)) {
                    if (link != null) inputs.set(name, link);
                    continue;
                }
                if (!widgetValues.hasNext()) throw new IllegalArgumentException("node " + id + " (" + type + "): no widget value for " + name);
                JsonNode value = widgetValues.next();
                widgetsSeen.add(new WidgetValue(id, type, name, spec, value));
                inputs.set(name, link != null ? link : value);
                JsonNode options = spec.path(1);
                if (options.path("control_after_generate").asBoolean(false)) skipExtra(widgetValues, id, name);
                if (options.path("image_upload").asBoolean(false)) skipExtra(widgetValues, id, name);
            }
            if (widgetValues.hasNext()) throw new IllegalArgumentException("node " + id + " (" + type + "): more widget values than widget inputs");

            ObjectNode entry = prompt.putObject(id);
            entry.set("inputs", inputs);
            entry.put("class_type", type);
            entry.putObject("_meta").put("title", node.path("title").asText(info.path("display_name").asText(type)));
        }
        return prompt;
    }

    static List<String> inputOrder(JsonNode info) {
        List<String> names = new ArrayList<>();
        for (String group : new String[] {"required", "optional"}) {
            JsonNode ordered = info.path("input_order").path(group);
            if (ordered.isArray()) ordered.forEach(n -> names.add(n.asText()));
            else info.path("input").path(group).fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** A link-only input (MODEL, IMAGE, ...) rather than a widget. */
    static boolean isSocket(JsonNode spec) {
        JsonNode type = spec.path(0);
        if (type.isArray()) return false;
        if (spec.path(1).path("forceInput").asBoolean(false)) return true;
        return !WIDGET_TYPES.contains(type.asText());
    }

    private static ArrayNode linkOf(Map<Integer, int[]> links, int linkId, String nodeId, String input) {
        int[] source = links.get(linkId);
        if (source == null) throw new IllegalArgumentException("node " + nodeId + "." + input + ": link " + linkId + " is not in links");
        ArrayNode ref = Json.array();
        ref.add(String.valueOf(source[0]));
        ref.add(source[1]);
        return ref;
    }

    private static void skipExtra(Iterator<JsonNode> values, String nodeId, String input) {
        if (!values.hasNext()) throw new IllegalArgumentException("node " + nodeId + ": the extra widget value after " + input + " is missing");
        values.next();
    }
}
