package dev.comfy4j.server.metrics;

import dev.comfy4j.server.RequestFilter;
import io.javalin.http.Context;

/** Counts every HTTP request by route family and status, and times it. */
public final class HttpMetricsFilter implements RequestFilter {
    private final ServerMetrics metrics;

    public HttpMetricsFilter(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void after(Context ctx, long startNanos) {
        metrics.httpRequest(RouteFamilies.of(ctx.req().getRequestURI()), ctx.statusCode(),
                (System.nanoTime() - startNanos) / 1e9);
    }
}
