package dev.comfy4j.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.HttpError;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The production layer's errors, in the JSON error shape of ComfyUI's prompt errors
 * ({@code {"error": {"type", "message", "details", "extra_info"}}}), which the web frontend already
 * knows how to show.
 */
public final class AuthErrors {
    static final String CHALLENGE = "Bearer realm=\"comfy4j\"";

    private AuthErrors() {}

    public static ObjectNode body(String type, String message, String details) {
        ObjectNode error = Json.object();
        error.put("type", type);
        error.put("message", message);
        error.put("details", details);
        error.putObject("extra_info");
        ObjectNode body = Json.object();
        body.set("error", error);
        return body;
    }

    /** 401: no token, or one that no user has. */
    static void unauthorized(Context ctx, boolean tokenGiven) {
        ObjectNode body = tokenGiven
                ? body("invalid_token", "The token is not valid.", "Send a token listed in the server's tokens file.")
                : body("unauthorized", "Authentication required.",
                        "Send 'Authorization: Bearer <token>' (or ?token=<token> on the WebSocket and /view).");
        ctx.status(401);
        ctx.header("WWW-Authenticate", tokenGiven ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE);
        ctx.contentType("application/json; charset=utf-8");
        ctx.result(Json.writeBytes(body));
    }

    /** 403: the token is valid but its role or ownership does not allow this. */
    public static HttpError forbidden(String message) {
        ObjectNode body = body("forbidden", message, "");
        return HttpError.json(403, body);
    }

    /** 429: the user has as many prompts queued as allowed. */
    public static HttpError tooManyQueued(int limit, int queued) {
        ObjectNode body = body("too_many_queued", "Too many prompts queued for this user.",
                "The limit is " + limit + " queued or running prompts per user; wait for some to finish.");
        ((ObjectNode) body.get("error").get("extra_info")).put("limit", limit).put("queued", queued);
        body.putObject("node_errors");
        return new HttpError(429, "application/json; charset=utf-8", Json.writeBytes(body), Map.of());
    }
}
