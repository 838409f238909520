package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.InputCheck;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.ValidatesInputs;
import dev.comfy4j.python.PyValues;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test stand-ins for ComfyUI nodes the registry does not implement (yet: KSampler, ...), declared from the golden object_info so validation sees exactly ComfyUI's declarations.
 * Their execution returns placeholder values; only validation tests use them.
 */
final class GoldenNodes {
    private GoldenNodes() {}

    static void registerAll(NodeRegistry registry, JsonNode objectInfo, String... classes) {
        for (String c : classes) {
            if (registry.contains(c)) continue; // implemented for real by now
            JsonNode info = objectInfo.get(c);
            if (c.equals("LoadImage")) registry.register(() -> new LoadImageStandIn(schema(info)));
            else registry.register(() -> new StandIn(schema(info)));
        }
    }

    static NodeSchema schema(JsonNode info) {
        NodeSchema.Builder b = NodeSchema.v1(info.get("name").asText(), info.get("python_module").asText())
                .displayName(info.get("display_name").asText()).category(info.get("category").asText());
        JsonNode input = info.get("input");
        for (String section : List.of("required", "optional")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = input.path(section).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode type = e.getValue().get(0);
                Input in = type.isArray()
                        ? Input.combo(e.getKey(), ((List<?>) PyValues.fromJson(type)).toArray())
                        : Input.of(e.getKey(), type.asText());
                if (e.getValue().size() == 1) in.noOptions();
                else ((Map<?, ?>) PyValues.fromJson(e.getValue().get(1))).forEach((k, v) -> in.option((String) k, v));
                if (section.equals("optional")) in.optional();
                b.input(in);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = input.path("hidden").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.hidden(e.getKey(), Hidden.valueOf(e.getValue().asText()));
        }
        for (JsonNode o : info.get("output")) b.output(o.asText());
        if (info.get("output_node").asBoolean()) b.outputNode();
        return b.build();
    }

    static class StandIn implements Node {
        private final NodeSchema schema;

        StandIn(NodeSchema schema) {
            this.schema = schema;
        }

        @Override
        public NodeSchema schema() {
            return schema;
        }

        @Override
        public NodeResult execute(NodeInputs inputs, NodeContext context) {
            List<Object> out = new ArrayList<>();
            for (String t : schema.outputTypes()) out.add(t + " from " + context.uniqueId());
            return schema.outputNode() ? NodeResult.uiOnly(NodeResult.ui("images")) : NodeResult.of(out.toArray());
        }
    }

    /** LoadImage's VALIDATE_INPUTS(image): the file must exist (no file exists in these tests). */
    static final class LoadImageStandIn extends StandIn implements ValidatesInputs {
        LoadImageStandIn(NodeSchema schema) {
            super(schema);
        }

        @Override
        public Set<String> validatedInputs() {
            return Set.of("image");
        }

        @Override
        public InputCheck validateInputs(NodeInputs in, Map<String, String> types) {
            return InputCheck.failed("Invalid image file: " + in.get("image"));
        }
    }
}
