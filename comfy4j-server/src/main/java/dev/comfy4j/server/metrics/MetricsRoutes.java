package dev.comfy4j.server.metrics;

import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;

/** {@code GET /metrics}: the Prometheus text format. */
public final class MetricsRoutes implements RouteFamily {
    private final ServerMetrics metrics;

    public MetricsRoutes(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void register(Router router) {
        router.get("/metrics", ex -> ex.bytes(200, metrics.contentType(), metrics.scrape()));
    }
}
