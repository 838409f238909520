package dev.comfy4j.server.auth;

import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RequestFilter;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.Set;

/**
 * Authentication for every request but the health probes: a token from {@code Authorization:
 * Bearer}, or from the {@code token} query parameter on the WebSocket upgrade and {@code /view}
 * (browsers cannot set headers there: an {@code <img src>} or a {@code new WebSocket}). Then the role
 * rules: {@code /free}, {@code /internal/*} and {@code POST /users} need an admin, and a user may view
 * only output and temp files its own prompts made.
 */
public final class AuthFilter implements RequestFilter {
    private static final Set<String> OPEN = Set.of("/healthz", "/readyz", "/api/healthz", "/api/readyz");
    private static final Set<String> QUERY_TOKEN_PATHS = Set.of("/view", "/api/view");

    private final TokenFile tokens;
    private final OutputGrants outputs;

    public AuthFilter(TokenFile tokens, OutputGrants outputs) {
        this.tokens = tokens;
        this.outputs = outputs;
    }

    @Override
    public boolean before(Context ctx) {
        String path = ctx.req().getRequestURI();
        if (OPEN.contains(path)) return true;
        String token = bearer(ctx).orElseGet(() -> QUERY_TOKEN_PATHS.contains(path) ? ctx.queryParam("token") : null);
        Optional<Principal> principal = tokens.authenticate(token);
        if (principal.isEmpty()) {
            AuthErrors.unauthorized(ctx, token != null && !token.isEmpty());
            return false;
        }
        Principal p = principal.get();
        ctx.attribute(Access.PRINCIPAL_ATTRIBUTE, p);
        if (!p.isAdmin() && adminOnly(ctx.req().getMethod(), path)) {
            return refuse(ctx, AuthErrors.forbidden("This needs the admin role."));
        }
        if (!p.isAdmin() && QUERY_TOKEN_PATHS.contains(path) && !outputs.mayView(p.user(), ctx)) {
            return refuse(ctx, AuthErrors.forbidden("This file belongs to another user's prompt."));
        }
        return true;
    }

    @Override
    public boolean beforeUpgrade(Context ctx) {
        String token = bearer(ctx).orElseGet(() -> ctx.queryParam("token"));
        Optional<Principal> principal = tokens.authenticate(token);
        if (principal.isEmpty()) {
            ctx.status(401);
            return false;
        }
        ctx.attribute(Access.PRINCIPAL_ATTRIBUTE, principal.get());
        return true;
    }

    private static boolean refuse(Context ctx, HttpError error) {
        ctx.status(error.status());
        ctx.contentType(error.contentType());
        ctx.result(error.body());
        return false;
    }

    static boolean adminOnly(String method, String rawPath) {
        String path = rawPath.startsWith("/api/") ? rawPath.substring(4) : rawPath;
        if (path.equals("/internal") || path.startsWith("/internal/")) return true;
        if (!method.equals("POST")) return false;
        return path.equals("/free") || path.equals("/users");
    }

    private static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) return Optional.empty();
        String h = header.strip();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.of(h.substring(7).strip());
        return Optional.of(h); // another scheme: a credential, but never a valid token here
    }
}
