package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.comfy4j.files.SafePaths;
import dev.comfy4j.server.StaticFile;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the web frontend loads at start-up besides its own files: {@code GET /} (index.html or
 * {@link HomePage}), {@code /extensions}, {@code /i18n} and {@code /workflow_templates} (API spec §11.4-§11.6,
 * §11.10). comfy4j loads no Python custom-node packs, so translations and example workflows are empty
 * and the extension list holds only the scripts under the web root's {@code extensions/}.
 */
public final class FrontendRoutes implements RouteFamily {
    private final Path webRoot;
    private final HomePage homePage;

    /**
     * @param webRoot the served editor's folder, or null
     * @param homePage the page {@code /} shows when there is no web root
     */
    public FrontendRoutes(Path webRoot, HomePage homePage) {
        this.webRoot = webRoot == null ? null : webRoot.toAbsolutePath().normalize();
        this.homePage = homePage;
    }

    @Override
    public void register(Router router) {
        router.get("/", this::index);
        router.get("/extensions", this::extensions);
        router.get("/i18n", ex -> ex.json(Json.object()));
        router.get("/workflow_templates", ex -> ex.json(Json.object()));
    }

    private void index(Exchange ex) throws IOException {
        ex.header("Cache-Control", "no-cache");
        ex.header("Pragma", "no-cache");
        ex.header("Expires", "0");
        if (webRoot == null) {
            ex.bytes(200, "text/html; charset=utf-8", homePage.render());
            return;
        }
        Path index = webRoot.resolve("index.html");
        if (!Files.isRegularFile(index) || !SafePaths.inside(webRoot, index)) throw HttpError.notFound();
        StaticFile.serve(ex, index);
    }

    private void extensions(Exchange ex) throws IOException {
        ArrayNode out = Json.array();
        if (webRoot != null) {
            Path dir = webRoot.resolve("extensions");
            if (Files.isDirectory(dir)) {
                List<String> scripts;
                try (Stream<Path> files = Files.walk(dir)) {
                    scripts = files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".js"))
                            .filter(p -> SafePaths.inside(webRoot, p))
                            .map(p -> "/extensions/" + SafePaths.slashed(dir.relativize(p)))
                            .sorted().toList();
                }
                scripts.forEach(out::add);
            }
        }
        ex.json(out);
    }
}
