package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;

/** The {@code {type, message, details, extra_info}} objects of validation (api-spec §7.3). */
final class ValidationErrors {
    private ValidationErrors() {}

    static ObjectNode error(String type, String message, String details, ObjectNode extraInfo) {
        ObjectNode e = Json.object();
        e.put("type", type);
        e.put("message", message);
        e.put("details", details);
        e.set("extra_info", extraInfo == null ? Json.object() : extraInfo);
        return e;
    }

    static ObjectNode info(String inputName, JsonNode inputConfig) {
        ObjectNode i = Json.object();
        i.put("input_name", inputName);
        if (inputConfig != null) i.set("input_config", inputConfig);
        return i;
    }

    static ObjectNode invalidPrompt(String message, String details) {
        return error("invalid_prompt", message, details, null);
    }
}
