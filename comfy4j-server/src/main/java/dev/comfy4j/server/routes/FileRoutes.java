package dev.comfy4j.server.routes;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.files.Folders;
import dev.comfy4j.files.Users;
import dev.comfy4j.logging.LogCapture;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import dev.comfy4j.server.WebSocketHub;
import java.util.List;

/** The file, user, model-listing, internal and frontend routes, assembled for {@code App}. */
public final class FileRoutes {
    private FileRoutes() {}

    public static List<RouteFamily> families(ServerConfig config, Folders folders, WebSocketHub hub, LogCapture logs,
            HomePage homePage) {
        return families(config, folders, hub, logs, homePage, null);
    }

    /** @param peers on a shared store, where {@code /view} looks for files other servers wrote (null: none) */
    public static List<RouteFamily> families(ServerConfig config, Folders folders, WebSocketHub hub, LogCapture logs,
            HomePage homePage, PeerOutputs peers) {
        return List.of(
                new FrontendRoutes(config.frontEndRoot(), homePage),
                new ViewRoutes(folders, peers),
                new UploadRoutes(folders),
                new ModelRoutes(folders.models()),
                new UserRoutes(new Users(folders.user())),
                new InternalRoutes(folders, logs, hub));
    }

    /** The web root: answers every GET that no route claims. */
    public static Router.Handler staticFallback(ServerConfig config) {
        return new WebRoot(config.frontEndRoot());
    }
}
