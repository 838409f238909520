package dev.comfy4j.server.routes;

import dev.comfy4j.files.SafePaths;
import dev.comfy4j.server.StaticFile;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One folder served as aiohttp serves a static resource (API spec §3.4): absolute names 403, folders
 * 403, anything that resolves outside the folder (by {@code ..} or a symlink) 404, files with
 * {@link StaticFile}'s semantics. The folder may live in any file system, a jar's included.
 */
final class StaticFolder {
    private final Path root;

    StaticFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** Serves {@code relative} (already percent-decoded) from the folder, or throws the HTTP error. */
    void serve(Exchange ex, String relative) throws IOException {
        if (relative.startsWith("/") || relative.startsWith("\\") || relative.indexOf('\0') >= 0) throw HttpError.forbidden();
        Path file = SafePaths.join(root, relative).orElseThrow(HttpError::notFound);
        if (!Files.exists(file) || !SafePaths.inside(root, file)) throw HttpError.notFound();
        if (Files.isDirectory(file)) throw HttpError.forbidden();
        if (!Files.isRegularFile(file)) throw HttpError.notFound();
        StaticFile.serve(ex, file);
    }
}
