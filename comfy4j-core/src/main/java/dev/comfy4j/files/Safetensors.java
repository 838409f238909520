package dev.comfy4j.files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The JSON header of a {@code .safetensors} file: an 8-byte little-endian length, then that much JSON. */
public final class Safetensors {
    private Safetensors() {}

    /** The parsed header, or empty when the file is short, the header exceeds {@code maxSize} or is not JSON. */
    public static Optional<JsonNode> header(Path file, long maxSize) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] prefix = in.readNBytes(8);
            if (prefix.length < 8) return Optional.empty();
            long length = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (length < 0 || length > maxSize) return Optional.empty();
            byte[] json = in.readNBytes((int) length);
            if (json.length < length) return Optional.empty();
            JsonNode node = Json.parse(new String(json, StandardCharsets.UTF_8));
            return Optional.ofNullable(node);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
