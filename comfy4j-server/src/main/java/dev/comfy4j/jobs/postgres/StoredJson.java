package dev.comfy4j.jobs.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.InvalidJsonException;
import dev.comfy4j.json.Json;

/** JSON the store wrote itself: unreadable text is a broken database, not bad input. */
final class StoredJson {
    private StoredJson() {}

    static JsonNode parse(String text) {
        try {
            return Json.parse(text);
        } catch (InvalidJsonException e) {
            throw new IllegalStateException("Job database: unreadable stored JSON: " + e.getMessage(), e);
        }
    }
}
