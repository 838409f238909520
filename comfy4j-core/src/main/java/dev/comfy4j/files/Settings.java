package dev.comfy4j.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user settings in {@code <user_dir>/<user>/comfy.settings.json} (API spec §11.8): a flat JSON
 * object written with Python's {@code json.dumps(indent=4)} layout. A missing or corrupt file reads as
 * {@code {}}.
 */
public final class Settings {
    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);
    static final String FILE = "comfy.settings.json";

    private final Users users;

    public Settings(Users users) {
        this.users = users;
    }

    /** All settings of the request's user; creates the user folder like the reference. */
    public synchronized ObjectNode read() {
        Path file = file();
        if (!Files.isRegularFile(file)) return Json.object();
        try {
            JsonNode node = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (node != null && node.isObject()) return (ObjectNode) node;
        } catch (IOException | RuntimeException e) {
            // fall through to the corruption message
        }
        LOG.error("The user settings file is corrupted: {}", file);
        return Json.object();
    }

    /** A shallow merge of {@code values} into the stored settings. */
    public synchronized void merge(ObjectNode values) throws IOException {
        ObjectNode settings = read();
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            settings.set(e.getKey(), e.getValue());
        }
        write(settings);
    }

    public synchronized void set(String id, JsonNode value) throws IOException {
        ObjectNode settings = read();
        settings.set(id, value);
        write(settings);
    }

    private Path file() {
        return users.resolve(FILE, true).orElseThrow();
    }

    private void write(ObjectNode settings) throws IOException {
        Files.writeString(file(), PythonIndentedJson.write(settings, 4), StandardCharsets.UTF_8);
    }
}
