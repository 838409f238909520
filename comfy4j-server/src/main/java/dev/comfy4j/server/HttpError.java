package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An answer that ends a request early: thrown by handlers and written by the server as it is. The
 * factory methods give aiohttp's plain-text bodies; {@link #json} gives a JSON error body.
 */
public final class HttpError extends RuntimeException {
    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Map<String, String> headers;

    public HttpError(int status, String contentType, byte[] body, Map<String, String> headers) {
        super(status + " " + (body == null ? "" : new String(body, StandardCharsets.UTF_8)), null, false, false);
        this.status = status;
        this.contentType = contentType;
        this.body = body == null ? new byte[0] : body;
        this.headers = headers;
    }

    public static HttpError text(int status, String text) {
        return new HttpError(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** A status with an empty body, such as the origin check's 403. */
    public static HttpError empty(int status) {
        return new HttpError(status, null, null, Map.of());
    }

    public static HttpError json(int status, JsonNode body) {
        return new HttpError(status, "application/json; charset=utf-8", Json.writeBytes(body), Map.of());
    }

    public static HttpError notFound() {
        return text(404, "404: Not Found");
    }

    public static HttpError badRequest(String message) {
        return text(400, message);
    }

    public static HttpError forbidden() {
        return text(403, "403: Forbidden");
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public byte[] body() {
        return body;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
