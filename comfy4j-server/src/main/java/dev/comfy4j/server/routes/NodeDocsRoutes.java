package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Node help for the editor's help panel: {@code GET /docs/<NodeClass>/<locale>.md}, the path the editor
 * fetches for core nodes (static, without the {@code /api} twin, API spec §11.10). ComfyUI serves
 * hand-written pages from the {@code comfyui-embedded-docs} package; comfy4j writes one per node class
 * from the node's declaration ({@link NodeHelpPage}), in English for every locale, so the panel is
 * never empty. An unknown class, or a name that is not a locale, is 404.
 */
public final class NodeDocsRoutes implements RouteFamily {
    /** "en", "zh", "zh-TW", "pt-BR", ...: the locale names the editor uses. */
    private static final Pattern LOCALE_FILE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?\\.md");

    private final Engine engine;

    public NodeDocsRoutes(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void register(Router router) {
        router.addStatic("GET", "/docs/{node_class}/{file}", this::page);
    }

    private void page(Exchange ex) {
        String className = ex.pathParam("node_class");
        if (!LOCALE_FILE.matcher(ex.pathParam("file")).matches()) throw HttpError.notFound();
        JsonNode info = engine.objectInfo(className).get(className);
        if (info == null) throw HttpError.notFound();
        ex.bytes(200, "text/markdown; charset=utf-8", NodeHelpPage.markdown(className, info).getBytes(StandardCharsets.UTF_8));
    }
}
