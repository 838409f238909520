package dev.comfy4j.server;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;

/** ComfyUI's cache-control middleware (API spec §4, item 1), applied to responses handlers return. */
final class CacheControl {
    private static final String[] IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"};
    private static final Set<Integer> LONG_LIVED = Set.of(200, 201, 202, 203, 204, 205, 206, 301, 308);
    private static final Set<Integer> REDIRECTS = Set.of(302, 303, 307);

    private CacheControl() {}

    static void apply(Context ctx, String path) {
        if (ctx.res().getHeader("Cache-Control") != null) return;
        String value = headerFor(path, ctx.statusCode());
        if (value != null) ctx.header("Cache-Control", value);
    }

    static String headerFor(String path, int status) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (path.endsWith(".js") || path.endsWith(".css") || (last.startsWith("index") && last.endsWith(".json"))) {
            return "no-cache";
        }
        String lower = path.toLowerCase(Locale.ROOT);
        for (String ext : IMAGE_EXTENSIONS) {
            if (lower.endsWith(ext)) {
                if (LONG_LIVED.contains(status)) return "public, max-age=86400";
                if (status == 404) return "public, max-age=3600";
                if (REDIRECTS.contains(status)) return "no-cache";
                return null;
            }
        }
        return null;
    }
}
