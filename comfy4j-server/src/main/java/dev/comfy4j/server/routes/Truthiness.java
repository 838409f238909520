package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.PythonFloat;

/** Python's view of JSON values: truthiness and {@code str()}, which ComfyUI's routes rely on. */
final class Truthiness {
    private Truthiness() {}

    /** {@code bool(value)}: false, 0, 0.0, "", [], {} and null are false. */
    static boolean truthy(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return false;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isNumber()) return v.decimalValue().signum() != 0;
        if (v.isTextual()) return !v.textValue().isEmpty();
        return !v.isEmpty();
    }

    /** {@code str(value)} for the scalar JSON types; containers fall back to their JSON text. */
    static String str(JsonNode v) {
        if (v == null || v.isNull()) return "None";
        if (v.isTextual()) return v.textValue();
        if (v.isBoolean()) return v.booleanValue() ? "True" : "False";
        if (v.isIntegralNumber()) return v.bigIntegerValue().toString();
        if (v.isNumber()) return PythonFloat.repr(v.doubleValue());
        return dev.comfy4j.json.Json.write(v);
    }
}
