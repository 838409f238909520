package dev.comfy4j.server.routes;

import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.Router;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The catch-all static route: any GET no other route claims is a file of {@code --front-end-root}, with
 * aiohttp's static semantics (API spec §3.4, {@link StaticFolder}). Without a web root every such path
 * is 404.
 */
public final class WebRoot implements Router.Handler {
    private final StaticFolder folder;

    public WebRoot(Path root) {
        this.folder = root == null ? null : new StaticFolder(root);
    }

    @Override
    public void handle(Exchange ex) throws IOException {
        if (folder == null) throw HttpError.notFound();
        String raw = ex.ctx().req().getRequestURI();
        folder.serve(ex, decode(raw.startsWith("/") ? raw.substring(1) : raw));
    }

    private static String decode(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path;
        }
    }
}
