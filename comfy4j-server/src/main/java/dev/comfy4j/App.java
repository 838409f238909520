package dev.comfy4j;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.GraphEngine;
import dev.comfy4j.files.Folders;
import dev.comfy4j.frontend.FrontendInstaller;
import dev.comfy4j.frontend.Frontends;
import dev.comfy4j.jobs.EventBus;
import dev.comfy4j.jobs.JobEvents;
import dev.comfy4j.jobs.Jobs;
import dev.comfy4j.jobs.WorkerIdentity;
import dev.comfy4j.jobs.postgres.PostgresJobStore;
import dev.comfy4j.server.RelayedDelivery;
import dev.comfy4j.server.routes.WorkerRoutes;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.logging.LogCapture;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.server.HttpServer;
import dev.comfy4j.server.ProductionLayer;
import dev.comfy4j.server.PromptEventPublisher;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import dev.comfy4j.server.WebSocketHub;
import dev.comfy4j.server.routes.FileRoutes;
import dev.comfy4j.server.routes.HistoryRoutes;
import dev.comfy4j.server.routes.HomePage;
import dev.comfy4j.server.routes.NodeDocsRoutes;
import dev.comfy4j.server.routes.PromptRoutes;
import dev.comfy4j.server.routes.QueueRoutes;
import dev.comfy4j.server.routes.SystemRoutes;
import dev.comfy4j.server.routes.TemplateRoutes;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.TorchRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The application, assembled in one place: no global singletons, so tests start as many servers as
 * they like, each on its own port and folders.
 */
public final class App implements AutoCloseable {
    public static final String VERSION = "0.1.0";

    private final ServerConfig config;
    private final ModelManager models;
    private final Engine engine;
    private final WebSocketHub hub;
    private final Jobs jobs;
    private final PostgresJobStore sharedStore;
    private final HttpServer http;
    private final Router router;
    private final ProductionLayer production;
    private final Folders folders;
    private final LogCapture logs;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final int port;

    /** Builds the engine from the configuration, the node catalogue and the model manager. */
    @FunctionalInterface
    public interface EngineFactory {
        Engine create(ServerConfig config, NodeRegistry catalogue, ModelManager models);
    }

    private App(ServerConfig requested, EngineFactory engineFactory) {
        // --front-end-version is resolved first (possibly a download): the rest sees the folder to serve.
        FrontendInstaller.Outcome frontend = Frontends.choose(requested);
        ServerConfig config = requested.withFrontEndRoot(frontend.webRoot());
        ProductionLayer.checkStartable(config);
        this.config = config;
        TorchRuntime.configure(new RuntimeOptions(config.compute().forceCpu(), config.compute().threads()));
        TorchRuntime.startInBackground();
        this.folders = Folders.create(config);
        this.models = ModelManager.create(config.compute().reserveRamBytes(), config.compute().precision());
        NodeServices services = NodeServices.of(config, folders, models);
        this.engine = engineFactory.create(config, NodeCatalogue.registry(services), models);
        this.logs = LogCapture.attachToStandardStreams();
        this.hub = new WebSocketHub(() -> SystemRoutes.features(config));
        // One process delivers events to its own sockets; servers sharing PostgreSQL relay them through it.
        this.sharedStore = config.scaleOut().shared() ? PostgresJobStore.open(config.scaleOut()) : null;
        EventBus bus = sharedStore != null ? sharedStore.bus() : new EventBus.Local();
        PromptEventPublisher events = new PromptEventPublisher(
                sharedStore != null ? new RelayedDelivery(bus, hub::broadcastStatus) : hub);
        if (sharedStore != null) bus.subscribe(message -> RelayedDelivery.deliverLocally(message, hub));
        this.production = new ProductionLayer(config, models, hub);
        JobEvents observed = production.observe(events);
        this.jobs = sharedStore != null
                ? sharedStore.jobs(engine, observed, config.scaleOut().role().runsPrompts())
                : Jobs.local(config.database(), engine, observed, bus);
        production.attach(jobs);
        hub.connectTo(jobs.queue()::remaining, events::executingNodeOf);

        this.router = new Router();
        List<RouteFamily> families = new ArrayList<>(List.of(
                // ComfyUI's exact /system_stats on one server; the worker list joins it on a shared store
                config.scaleOut().shared() ? new SystemRoutes(config, engine).withWorkers(() -> WorkerRoutes.list(jobs))
                        : new SystemRoutes(config, engine),
                new PromptRoutes(engine, jobs.queue(), config.production().maxQueuedPerUser(), production::admit),
                new QueueRoutes(jobs),
                new HistoryRoutes(jobs.history()),
                new WorkerRoutes(jobs)));
        families.add(TemplateRoutes.bundled());
        families.add(new NodeDocsRoutes(engine));
        families.addAll(FileRoutes.families(config, folders, hub, logs,
                new HomePage(VERSION, jobs.queue(), frontend.problem()),
                sharedStore == null ? null : new dev.comfy4j.server.routes.PeerOutputs(jobs::workers,
                        () -> jobs.worker().map(dev.comfy4j.jobs.Worker::id).orElse(null))));
        families.addAll(production.routes());
        families.forEach(f -> f.register(router));
        router.get("/ws", ex -> ex.text(400, "400: Bad Request\n\nNo WebSocket UPGRADE hdr"));
        this.http = new HttpServer(config, router, FileRoutes.staticFallback(config), hub).filters(production.filters());
        this.port = http.start();
        jobs.start(WorkerIdentity.of(config, port));
    }

    public static App start(ServerConfig config) {
        return new App(config, GraphEngine::new);
    }

    /** Starts with another engine: tests of the job and server layers use scripted ones. */
    public static App start(ServerConfig config, Function<ServerConfig, Engine> engineFactory) {
        return new App(config, (c, catalogue, models) -> engineFactory.apply(c));
    }

    /** The job layer (queue, history, workers): tests of the shared store look inside. */
    public Jobs jobs() {
        return jobs;
    }

    public int port() {
        return port;
    }

    /** The loaded models ({@code POST /free} unloads them). */
    public ModelManager models() {
        return models;
    }

    /** The file roots and the model folder registry (the loader and save nodes use them). */
    public Folders folders() {
        return folders;
    }

    public ServerConfig config() {
        return config;
    }

    /** Every route the server answers (the OpenAPI test checks the document against them). */
    public List<Router.RouteInfo> routes() {
        return router.routes();
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops everything, whatever the worker is doing: each step runs even if an earlier one failed
     * (a full heap, a stuck node), and the worker gets a bounded wait.
     */
    @Override
    public void close() {
        try {
            closeQuietly(production::drain); // SIGTERM: finish the running prompt first, keep the pending ones
            closeQuietly(http);
            closeQuietly(jobs);
            closeQuietly(models);
            closeQuietly(hub);
            closeQuietly(logs);
            closeQuietly(folders);
        } finally {
            stopped.countDown();
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Throwable e) {
            try {
                System.err.println("comfy4j: while stopping " + part.getClass().getSimpleName() + ": " + e);
            } catch (Throwable ignored) {
                // nothing left to report with
            }
        }
    }
}
