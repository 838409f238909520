package dev.comfy4j.server.routes;

import dev.comfy4j.files.SafePaths;
import dev.comfy4j.server.StaticFile;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.Router;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The catch-all static route: any GET no other route claims is a file of {@code --front-end-root}, with
 * aiohttp's static semantics (API spec §3.4): absolute names 403, folders 403, anything resolving
 * outside the root (by {@code ..} or a symlink) 404. Without a web root every such path is 404.
 */
public final class WebRoot implements Router.Handler {
    private final Path root;

    public WebRoot(Path root) {
        this.root = root == null ? null : root.toAbsolutePath().normalize();
    }

    @Override
    public void handle(Exchange ex) throws IOException {
        if (root == null) throw HttpError.notFound();
        String raw = ex.ctx().req().getRequestURI();
        String relative = decode(raw.startsWith("/") ? raw.substring(1) : raw);
        if (relative.startsWith("/") || relative.startsWith("\\") || relative.indexOf('\0') >= 0) throw HttpError.forbidden();
        Path file = SafePaths.join(root, relative).orElseThrow(HttpError::notFound);
        if (!Files.exists(file) || !SafePaths.inside(root, file)) throw HttpError.notFound();
        if (Files.isDirectory(file)) throw HttpError.forbidden();
        if (!Files.isRegularFile(file)) throw HttpError.notFound();
        StaticFile.serve(ex, file);
    }

    private static String decode(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path;
        }
    }
}
