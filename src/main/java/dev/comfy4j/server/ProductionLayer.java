package dev.comfy4j.server;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.jobs.Jobs;
import dev.comfy4j.server.health.HealthRoutes;
import dev.comfy4j.server.health.Readiness;
import dev.comfy4j.tensor.TorchRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of the server ComfyUI lacks (health, metrics, authentication, the API description),
 * assembled in one place so that {@code App} only hands them the services they watch.
 */
public final class ProductionLayer {
    private final ServerConfig config;
    private final Readiness readiness = new Readiness();

    public ProductionLayer(ServerConfig config) {
        this.config = config;
    }

    /** Connects the layer to the job services, once they exist. */
    public ProductionLayer attach(Jobs jobs) {
        readiness.add("tensor_runtime", TorchRuntime::isStarted)
                .add("job_store", jobs.store()::probeWritable)
                .add("worker", jobs.worker()::isAlive);
        return this;
    }

    /** The production routes ({@code /healthz}, {@code /readyz}, ...). */
    public List<RouteFamily> routes() {
        List<RouteFamily> families = new ArrayList<>();
        families.add(new HealthRoutes(readiness));
        return families;
    }

    public ServerConfig config() {
        return config;
    }
}
