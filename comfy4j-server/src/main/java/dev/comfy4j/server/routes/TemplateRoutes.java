package dev.comfy4j.server.routes;

import dev.comfy4j.files.ClasspathFolder;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.nio.file.Path;

/**
 * The core workflow templates the editor's template browser reads (API spec §11.10): static files
 * under {@code /templates/} only, without the {@code /api} twin. ComfyUI serves them from the
 * {@code comfyui-workflow-templates} package; comfy4j serves its own set, shipped in the jar under
 * {@value #RESOURCE_FOLDER}: {@code index.json} (categories of templates), {@code fuse_options.json}
 * (the search settings), {@code index_logo.json}, and per template {@code <name>.json} (a UI workflow)
 * and {@code <name>-1.<mediaSubtype>} (its thumbnail).
 */
public final class TemplateRoutes implements RouteFamily {
    public static final String RESOURCE_FOLDER = "comfy4j/templates";

    private final StaticFolder folder;

    /** @param folder the templates folder; null serves nothing (every path 404) */
    public TemplateRoutes(Path folder) {
        this.folder = folder == null ? null : new StaticFolder(folder);
    }

    /** The templates shipped with comfy4j. */
    public static TemplateRoutes bundled() {
        return new TemplateRoutes(bundledFolder());
    }

    /** Where the shipped templates are (a folder of the jar's file system when running from the jar). */
    public static Path bundledFolder() {
        return ClasspathFolder.locate(TemplateRoutes.class.getClassLoader(), RESOURCE_FOLDER, "index.json")
                .orElse(null);
    }

    @Override
    public void register(Router router) {
        router.addStatic("GET", "/templates/{path:.*}", ex -> {
            if (folder == null) throw HttpError.notFound();
            folder.serve(ex, ex.pathParam("path"));
        });
    }
}
