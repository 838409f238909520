package dev.comfy4j.server.metrics;

import java.util.Set;

/**
 * The {@code family} label of an HTTP request: the first path segment of a known route (after an
 * {@code /api} prefix), {@code static} for everything else. A fixed set, so that no client can make
 * the label take unbounded values (and no path, file name or token becomes a label).
 */
public final class RouteFamilies {
    private static final Set<String> KNOWN = Set.of("prompt", "queue", "interrupt", "free", "history", "object_info",
            "system_stats", "features", "view", "view_metadata", "upload", "models", "embeddings", "extensions",
            "experiment", "settings", "users", "userdata", "v2", "i18n", "workflow_templates", "internal", "ws",
            "healthz", "readyz", "metrics", "openapi", "openapi.json");

    private RouteFamilies() {}

    public static String of(String rawPath) {
        String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (p.startsWith("api/")) p = p.substring(4);
        else if (p.equals("api")) return "static";
        int slash = p.indexOf('/');
        String first = slash < 0 ? p : p.substring(0, slash);
        return KNOWN.contains(first) ? first : "static";
    }
}
