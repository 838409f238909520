package dev.comfy4j;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.GraphEngine;
import dev.comfy4j.json.Json;
import dev.comfy4j.files.Folders;
import dev.comfy4j.logging.LogCapture;
import dev.comfy4j.server.HttpServer;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import dev.comfy4j.server.WebSocketHub;
import dev.comfy4j.server.routes.FileRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The application, assembled in one place: no global singletons, so tests start as many servers as
 * they like, each on its own port and folders.
 */
public final class App implements AutoCloseable {
    public static final String VERSION = "0.1.0";

    private final ServerConfig config;
    private final Engine engine;
    private final WebSocketHub hub;
    private final HttpServer http;
    private final Folders folders;
    private final LogCapture logs;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final int port;

    private App(ServerConfig config) {
        this.config = config;
        this.engine = GraphEngine.create(config);
        this.hub = new WebSocketHub(() -> {
            var flags = Json.object();
            flags.put("supports_preview_metadata", true);
            flags.put("max_upload_size", config.maxUploadBytes());
            return flags;
        });
        this.folders = Folders.create(config);
        this.logs = LogCapture.attachToStandardStreams();
        Router router = new Router();
        List<RouteFamily> families = new ArrayList<>(FileRoutes.families(config, folders, hub, logs));
        families.forEach(f -> f.register(router));
        this.http = new HttpServer(config, router, FileRoutes.staticFallback(config), hub);
        this.port = http.start();
    }

    public static App start(ServerConfig config) {
        return new App(config);
    }

    public int port() {
        return port;
    }

    /** The file roots and the model folder registry (the loader and save nodes use them). */
    public Folders folders() {
        return folders;
    }

    public ServerConfig config() {
        return config;
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        http.close();
        hub.close();
        logs.close();
        folders.close();
        stopped.countDown();
    }
}
