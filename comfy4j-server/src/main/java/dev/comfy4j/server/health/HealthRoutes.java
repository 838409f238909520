package dev.comfy4j.server.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.util.Map;

/**
 * {@code GET /healthz} (the process answers) and {@code GET /readyz} (it can do its work), tiny JSON
 * answers for container orchestrators. Both are open without a token: probes carry none, and they
 * tell nothing beyond up or down.
 */
public final class HealthRoutes implements RouteFamily {
    private final Readiness readiness;

    public HealthRoutes(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public void register(Router router) {
        router.get("/healthz", this::health);
        router.get("/readyz", this::ready);
    }

    private void health(Exchange ex) {
        ObjectNode body = Json.object();
        body.put("status", "ok");
        ex.header("Cache-Control", "no-store");
        ex.json(body);
    }

    private void ready(Exchange ex) {
        Map<String, Boolean> results = readiness.run();
        boolean ready = results.values().stream().allMatch(Boolean::booleanValue);
        ObjectNode body = Json.object();
        body.put("status", ready ? "ready" : "not_ready");
        ObjectNode checks = body.putObject("checks");
        results.forEach(checks::put);
        ex.header("Cache-Control", "no-store");
        ex.json(ready ? 200 : 503, body);
    }
}
