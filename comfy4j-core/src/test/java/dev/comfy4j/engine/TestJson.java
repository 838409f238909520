package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON with single quotes, for tests in other packages. */
public final class TestJson {
    private TestJson() {}

    public static JsonNode parse(String text) {
        return Prompts.value(text);
    }
}
