package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.InvalidJsonException;
import dev.comfy4j.json.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * One HTTP request and its answer, as route handlers see it: decoded path parameters, the query,
 * a size-limited body, and helpers that write ComfyUI's response forms (§1.2 of the API spec).
 */
public final class Exchange {
    private final Context ctx;
    private final Map<String, String> pathParams;
    private final long maxBodyBytes;
    private byte[] body;

    Exchange(Context ctx, Map<String, String> pathParams, long maxBodyBytes) {
        this.ctx = ctx;
        this.pathParams = pathParams;
        this.maxBodyBytes = maxBodyBytes;
    }

    public Context ctx() { return ctx; }

    public String method() { return ctx.req().getMethod(); }

    /** A path parameter, percent-decoded once (so {@code %2F} gives {@code /}). */
    public String pathParam(String name) { return pathParams.get(name); }

    /** The first value of a query parameter, or null. */
    public String query(String name) { return ctx.queryParam(name); }

    public String header(String name) { return ctx.header(name); }

    public long maxBodyBytes() { return maxBodyBytes; }

    /** The raw body, read at most once; a body over the limit answers 413 like aiohttp. */
    public byte[] body() {
        if (body != null) return body;
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) throw tooLarge(declared);
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (read.length > maxBodyBytes) throw tooLarge(read.length);
            body = read;
            return body;
        } catch (IOException e) {
            throw HttpError.badRequest("Cannot read request body: " + e.getMessage());
        }
    }

    public String bodyText() { return new String(body(), StandardCharsets.UTF_8); }

    /**
     * The body parsed as JSON whatever the Content-Type says (urllib posts JSON as form data).
     * ComfyUI answers 500 to a malformed body; we answer 400 with a message like Python's
     * ({@code Invalid JSON body: Extra data: line 1 column 4 (char 3)}).
     */
    public JsonNode jsonBody() {
        return jsonBodyOr(message -> HttpError.badRequest("Invalid JSON body: " + message));
    }

    /** Like {@link #jsonBody()}, with the route's own answer for a body that is not JSON. */
    public JsonNode jsonBodyOr(Function<String, HttpError> malformed) {
        String text = bodyText();
        try {
            JsonNode node = Json.parse(text);
            if (node.isMissingNode()) throw malformed.apply("empty body");
            return node;
        } catch (InvalidJsonException e) {
            throw malformed.apply(e.getMessage());
        }
    }

    /** Like {@link #jsonBody()} but demands an object, the shape every ComfyUI route expects. */
    public ObjectNode jsonObjectBody() {
        JsonNode node = jsonBody();
        if (!node.isObject()) throw HttpError.badRequest("Invalid JSON body: expected an object");
        return (ObjectNode) node;
    }

    private HttpError tooLarge(long actual) {
        return HttpError.text(413, "Maximum request body size " + maxBodyBytes + " exceeded, actual body size " + actual);
    }

    public void json(int status, JsonNode value) {
        bytes(status, "application/json; charset=utf-8", Json.writeBytes(value));
    }

    public void json(JsonNode value) { json(200, value); }

    public void text(int status, String text) {
        bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A status-only answer: empty body and no Content-Type, as aiohttp's {@code web.Response()}. */
    public void empty(int status) {
        ctx.status(status);
        ctx.res().setContentLength(0);
        ctx.result(new byte[0]);
    }

    public void bytes(int status, String contentType, byte[] data) {
        ctx.status(status);
        if (contentType != null) ctx.contentType(contentType);
        ctx.result(data);
    }

    public void header(String name, String value) { ctx.header(name, value); }
}
