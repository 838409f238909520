package dev.comfy4j.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.python.PyValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Writes a {@link NodeSchema} as ComfyUI's {@code /object_info} entry (execution spec §17.3), V1 or V3. */
public final class ObjectInfo {
    /** ComfyUI's V3 option order: common keys, widget keys, then the per-type keys (as _io.py merges them). */
    private static final List<String> V3_OPTION_ORDER = List.of(
            "display_name", "tooltip", "lazy", "default", "socketless", "widgetType", "forceInput",
            "min", "max", "step", "round", "label_on", "label_off", "multiline", "placeholder", "dynamicPrompts",
            "multiselect", "options", "control_after_generate", "display", "image_upload", "audio_upload",
            "video_upload", "file_upload", "image_folder", "remote", "multi_select", "chip");

    private ObjectInfo() {}

    public static ObjectNode describe(NodeSchema s) {
        ObjectNode info = Json.object();
        info.set("input", inputs(s));
        info.set("input_order", inputOrder(s));
        ArrayNode output = info.putArray("output");
        ArrayNode isList = info.putArray("output_is_list");
        ArrayNode names = info.putArray("output_name");
        for (Output o : s.outputs()) {
            output.add(o.type());
            isList.add(o.isList());
            names.add(o.displayName());
        }
        boolean v3 = s.style() == NodeSchema.Style.V3;
        boolean anyTooltip = s.inheritedOutputTooltips() != null || s.outputs().stream().anyMatch(o -> o.tooltip() != null);
        if (v3) info.set("output_tooltips", tooltips(s));
        info.put("name", s.className());
        info.put("display_name", s.displayName());
        info.put("description", s.description());
        info.put("python_module", s.pythonModule());
        info.put("category", s.category());
        info.put("output_node", s.outputNode());
        if (v3) {
            info.put("deprecated", s.deprecated());
            info.put("experimental", s.experimental());
            info.put("api_node", Boolean.TRUE.equals(s.apiNode()));
        } else {
            if (anyTooltip) info.set("output_tooltips", tooltips(s));
            if (s.deprecated()) info.put("deprecated", true);
            if (s.experimental()) info.put("experimental", true);
            if (s.apiNode() != null) info.put("api_node", s.apiNode());
        }
        return info;
    }

    /** The {@code [TYPE, {options}]} pair of validation errors ({@code input_config}): always two elements. */
    public static ArrayNode inputConfig(NodeSchema.Style style, Input in) {
        return inputConfig(style, in, false);
    }

    /** As object_info shows it: a V1 input declared without options is the one-element {@code ["IMAGE"]}. */
    static ArrayNode inputConfig(NodeSchema.Style style, Input in, boolean forObjectInfo) {
        ArrayNode pair = Json.array();
        boolean v3 = style == NodeSchema.Style.V3;
        if (in.isCombo() && !v3) {
            pair.add(PyValues.toJson(in.comboOptions()));
        } else {
            pair.add(in.isCombo() ? "COMBO" : in.type());
        }
        if (forObjectInfo && !v3 && in.bareTuple()) return pair;
        Map<String, Object> options = new LinkedHashMap<>(in.options());
        if (v3) {
            if ("STRING".equals(in.type())) options.putIfAbsent("multiline", false);
            if (in.isCombo()) {
                options.putIfAbsent("multiselect", false);
                options.put("options", in.comboOptions());
            }
            options = v3Order(options);
        }
        ObjectNode opts = pair.addObject();
        options.forEach((k, v) -> opts.set(k, optionValue(v)));
        return pair;
    }

    private static JsonNode optionValue(Object v) {
        return PyValues.toJson(v instanceof Supplier<?> s ? s.get() : v);
    }

    private static Map<String, Object> v3Order(Map<String, Object> options) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : V3_OPTION_ORDER) if (options.containsKey(key)) out.put(key, options.get(key));
        options.forEach(out::putIfAbsent);
        return out;
    }

    private static ObjectNode inputs(NodeSchema s) {
        ObjectNode input = Json.object();
        boolean v3 = s.style() == NodeSchema.Style.V3;
        ObjectNode required = input.putObject("required");
        ObjectNode optional = null;
        ObjectNode hidden = null;
        for (Input in : s.inputs()) {
            switch (in.section()) {
                case REQUIRED -> required.set(in.name(), inputConfig(s.style(), in, true));
                case OPTIONAL -> {
                    if (optional == null) optional = input.putObject("optional");
                    optional.set(in.name(), inputConfig(s.style(), in, true));
                }
                case HIDDEN -> {
                    if (hidden == null) hidden = Json.object();
                    if (in.hidden() == null) {
                        hidden.set(in.name(), inputConfig(s.style(), in, true));
                    } else if (v3) {
                        hidden.putArray(in.hidden().v3Name()).add(in.hidden().name());
                    } else {
                        hidden.put(in.name(), in.hidden().name());
                    }
                }
            }
        }
        if (hidden != null) input.set("hidden", hidden);
        return input;
    }

    private static ObjectNode inputOrder(NodeSchema s) {
        Map<Input.Section, List<String>> order = new LinkedHashMap<>();
        for (Input.Section section : Input.Section.values()) order.put(section, new ArrayList<>());
        boolean v3 = s.style() == NodeSchema.Style.V3;
        for (Input in : s.inputs()) {
            String name = v3 && in.hidden() != null ? in.hidden().v3Name() : in.name();
            order.get(in.section()).add(name);
        }
        ObjectNode out = Json.object();
        ArrayNode required = out.putArray("required");
        order.get(Input.Section.REQUIRED).forEach(required::add);
        if (!order.get(Input.Section.OPTIONAL).isEmpty()) {
            ArrayNode a = out.putArray("optional");
            order.get(Input.Section.OPTIONAL).forEach(a::add);
        }
        if (!order.get(Input.Section.HIDDEN).isEmpty()) {
            ArrayNode a = out.putArray("hidden");
            order.get(Input.Section.HIDDEN).forEach(a::add);
        }
        return out;
    }

    private static ArrayNode tooltips(NodeSchema s) {
        ArrayNode a = Json.array();
        if (s.inheritedOutputTooltips() != null) {
            s.inheritedOutputTooltips().forEach(a::add);
            return a;
        }
        for (Output o : s.outputs()) {
            if (o.tooltip() == null) a.addNull();
            else a.add(o.tooltip());
        }
        return a;
    }
}
