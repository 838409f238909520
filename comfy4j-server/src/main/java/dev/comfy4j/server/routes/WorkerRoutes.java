package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.jobs.Jobs;
import dev.comfy4j.jobs.WorkerInfo;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;

/** {@code GET /workers}: the live workers of the job store, with their device and current prompt (comfy4j's own). */
public final class WorkerRoutes implements RouteFamily {
    private final Jobs jobs;

    public WorkerRoutes(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public void register(Router router) {
        router.get("/workers", ex -> ex.json(body(jobs)));
    }

    /** {@code {"workers": [...]}}, also part of {@code /system_stats}. */
    public static ObjectNode body(Jobs jobs) {
        ObjectNode body = Json.object();
        body.set("workers", list(jobs));
        return body;
    }

    public static ArrayNode list(Jobs jobs) {
        ArrayNode workers = Json.array();
        for (WorkerInfo w : jobs.workers()) workers.add(w.toJson());
        return workers;
    }
}
