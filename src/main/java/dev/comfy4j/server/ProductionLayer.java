package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.jobs.JobEvents;
import dev.comfy4j.jobs.Jobs;
import dev.comfy4j.jobs.QueueItem;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.server.health.HealthRoutes;
import dev.comfy4j.server.health.Readiness;
import dev.comfy4j.server.metrics.HttpMetricsFilter;
import dev.comfy4j.server.metrics.MemorySampler;
import dev.comfy4j.server.metrics.MeteredJobEvents;
import dev.comfy4j.server.metrics.MetricsRoutes;
import dev.comfy4j.server.metrics.ServerMetrics;
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
    private volatile Jobs jobs;

    public ProductionLayer(ServerConfig config, ModelManager models, WebSocketHub hub) {
        this.config = config;
        this.metrics = new ServerMetrics(new ServerMetrics.Sources(
                fromJobs(j -> j.queue().pending().size()),
                fromJobs(j -> j.queue().running().isPresent() ? 1 : 0),
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

    /** The job events the server publishes, measured on their way. */
    public JobEvents observe(JobEvents events) {
        return new MeteredJobEvents(events, metrics, this::runningPrompt);
    }

    private JsonNode runningPrompt(String promptId) {
        Jobs j = jobs;
        if (j == null) return null;
        return j.queue().running().filter(i -> i.promptId().equals(promptId)).map(QueueItem::prompt).orElse(null);
    }

    /** Connects the layer to the job services, once they exist. */
    public ProductionLayer attach(Jobs value) {
        this.jobs = value;
        readiness.add("tensor_runtime", TorchRuntime::isStarted)
                .add("job_store", value.store()::probeWritable)
                .add("worker", value.worker()::isAlive);
        return this;
    }

    /** The production routes ({@code /healthz}, {@code /readyz}, {@code /metrics}, ...). */
    public List<RouteFamily> routes() {
        List<RouteFamily> families = new ArrayList<>();
        families.add(new HealthRoutes(readiness));
        families.add(new MetricsRoutes(metrics));
        return families;
    }

    /** What every HTTP request passes, in order. */
    public List<RequestFilter> filters() {
        List<RequestFilter> filters = new ArrayList<>();
        filters.add(new HttpMetricsFilter(metrics));
        return filters;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public ServerConfig config() {
        return config;
    }
}
