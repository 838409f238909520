package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.jobs.JobEvents;
import dev.comfy4j.jobs.Jobs;
import dev.comfy4j.jobs.QueueItem;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.jobs.webhooks.WebhookDispatcher;
import dev.comfy4j.jobs.webhooks.WebhookEvents;
import dev.comfy4j.jobs.webhooks.WebhookPolicy;
import dev.comfy4j.jobs.webhooks.WebhookSigner;
import dev.comfy4j.server.auth.Access;
import dev.comfy4j.server.auth.AuthErrors;
import dev.comfy4j.server.auth.AuthFilter;
import dev.comfy4j.server.auth.OutputGrantingEvents;
import dev.comfy4j.server.auth.OutputGrants;
import dev.comfy4j.server.auth.TokenFile;
import dev.comfy4j.server.health.HealthRoutes;
import dev.comfy4j.server.health.Readiness;
import dev.comfy4j.server.metrics.HttpMetricsFilter;
import dev.comfy4j.server.metrics.MemorySampler;
import dev.comfy4j.server.metrics.MeteredJobEvents;
import dev.comfy4j.server.metrics.MetricsRoutes;
import dev.comfy4j.server.metrics.ServerMetrics;
import dev.comfy4j.server.openapi.OpenApiRoutes;
import dev.comfy4j.tensor.TorchRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The parts of the server ComfyUI lacks (health, metrics, authentication, the API description),
 * assembled in one place so that {@code App} only hands them the services they watch. Built before
 * the job layer (whose events it observes), then {@linkplain #attach attached} to it.
 */
public final class ProductionLayer {
    private final ServerConfig config;
    private final Readiness readiness = new Readiness();
    private final ServerMetrics metrics;
    private final TokenFile tokens;
    private final OutputGrants grants = new OutputGrants();
    private final GracefulShutdown shutdown = new GracefulShutdown();
    private final WebhookPolicy webhookPolicy;
    private volatile WebhookDispatcher webhooks;
    private volatile Jobs jobs;

    public ProductionLayer(ServerConfig config, ModelManager models, WebSocketHub hub) {
        this.config = config;
        this.tokens = config.production().authEnabled() ? new TokenFile(config.production().authTokensFile()) : null;
        this.webhookPolicy = new WebhookPolicy(config.production().webhookAllow());
        this.metrics = new ServerMetrics(new ServerMetrics.Sources(
                fromJobs(j -> j.queue().pending().size()),
                fromJobs(j -> j.queue().running().size()),
                hub::clientCount,
                models::loadCount,
                models::unloadCount,
                models::loadedBytes,
                new MemorySampler()));
    }

    private java.util.function.DoubleSupplier fromJobs(ToDoubleFunction<Jobs> value) {
        return () -> {
            Jobs j = jobs;
            return j == null ? 0 : value.applyAsDouble(j);
        };
    }

    /**
     * Refuses a start that would expose an open server: listening beyond loopback needs a choice,
     * {@code --auth-tokens-file} or an explicit {@code --auth none}. Loopback stays open, as ComfyUI.
     */
    public static void checkStartable(ServerConfig config) {
        var production = config.production();
        if (production.authEnabled() && production.authNone()) {
            throw new IllegalArgumentException("--auth none and --auth-tokens-file contradict each other; choose one");
        }
        if (production.authEnabled() || production.authNone()) return;
        for (String address : config.listen()) {
            if (!isLoopback(address)) {
                throw new IllegalArgumentException("listening on " + address + " needs an authentication choice: add "
                        + "--auth-tokens-file FILE (make one with 'comfy4j add-user --auth-tokens-file FILE NAME') "
                        + "or --auth none to serve without authentication as ComfyUI does");
            }
        }
    }

    private static boolean isLoopback(String address) {
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(address)) {
                if (!a.isLoopbackAddress()) return false;
            }
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * The job events the server publishes, measured on their way; with authentication, each prompt's
     * events go to its owner's sockets only and its files are granted to its owner.
     */
    public JobEvents observe(PromptEventPublisher events) {
        JobEvents observed = events;
        if (tokens != null) {
            events.ownersFrom(this::runningOwner);
            observed = new OutputGrantingEvents(events, grants, this::runningOwner);
        }
        if (webhooksOn()) {
            observed = new WebhookEvents(observed, () -> jobs.history(), () -> jobs.store(), () -> {
                WebhookDispatcher d = webhooks;
                if (d != null) d.wake();
            });
        }
        return new MeteredJobEvents(observed, metrics, this::runningPrompt);
    }

    private boolean webhooksOn() {
        return !config.production().webhookAllow().isEmpty();
    }

    /**
     * The production checks of a valid prompt before it is queued: with webhooks on, an
     * {@code extra_data.webhook} must be an allowed http(s) URL (400 otherwise). With webhooks off the
     * key is ignored, as ComfyUI does.
     */
    public void admit(com.fasterxml.jackson.databind.node.ObjectNode extraData) {
        if (!webhooksOn()) return;
        WebhookPolicy.urlOf(extraData).ifPresent(url -> webhookPolicy.refusal(url).ifPresent(reason -> {
            var body = AuthErrors.body("invalid_webhook", "The webhook cannot be called.", reason);
            body.putObject("node_errors");
            throw HttpError.json(400, body);
        }));
    }

    private String runningOwner(String promptId) {
        Jobs j = jobs;
        if (j == null) return null;
        return runningItem(j, promptId).map(i -> Access.ownerOf(i.extraData())).orElse(null);
    }

    private JsonNode runningPrompt(String promptId) {
        Jobs j = jobs;
        if (j == null) return null;
        return runningItem(j, promptId).map(QueueItem::prompt).orElse(null);
    }

    /** The prompt as this server's worker runs it; else as the shared queue shows it running elsewhere. */
    private static java.util.Optional<QueueItem> runningItem(Jobs j, String promptId) {
        var here = j.worker().flatMap(dev.comfy4j.jobs.Worker::current).filter(i -> i.promptId().equals(promptId));
        if (here.isPresent()) return here;
        return j.queue().running().stream().filter(i -> i.promptId().equals(promptId)).findFirst();
    }

    /** Connects the layer to the job services, once they exist. */
    public ProductionLayer attach(Jobs value) {
        this.jobs = value;
        if (tokens != null) {
            for (String id : value.history().idsWhere(e -> true)) {
                var entry = value.history().entry(id);
                if (entry != null) grants.grantHistoryEntry(Access.ownerOfHistoryEntry(entry), entry);
            }
        }
        readiness.add("tensor_runtime", TorchRuntime::isStarted)
                .add("job_store", value.store()::probeWritable)
                .add("worker", value::workerAlive)
                .add("accepting_prompts", () -> !shutdown.draining());
        if (webhooksOn()) {
            webhooks = new WebhookDispatcher(value.store(), webhookPolicy,
                    new WebhookSigner(config.production().webhookSecret())).start();
        }
        return this;
    }

    /** The production routes ({@code /healthz}, {@code /readyz}, {@code /metrics}, ...). */
    public List<RouteFamily> routes() {
        List<RouteFamily> families = new ArrayList<>();
        families.add(new HealthRoutes(readiness));
        families.add(new MetricsRoutes(metrics));
        families.add(new OpenApiRoutes(dev.comfy4j.App.VERSION));
        return families;
    }

    /** What every HTTP request passes, in order. */
    public List<RequestFilter> filters() {
        List<RequestFilter> filters = new ArrayList<>();
        if (tokens != null) filters.add(new AuthFilter(tokens, grants));
        filters.add(shutdown);
        filters.add(new HttpMetricsFilter(metrics));
        return filters;
    }

    /**
     * The first step of stopping: no new prompts, the running one finishes (or is interrupted after
     * {@code --shutdown-timeout}), pending ones stay queued. Idempotent.
     */
    public void drain() {
        Jobs j = jobs;
        if (j != null && !shutdown.draining()) {
            shutdown.drain(j.worker().orElse(null), config.production().shutdownTimeoutSeconds());
        }
        WebhookDispatcher d = webhooks;
        if (d != null) d.close(); // undelivered calls stay in the store for the next start
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public ServerConfig config() {
        return config;
    }
}
