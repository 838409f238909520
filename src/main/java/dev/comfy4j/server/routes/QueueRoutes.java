package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.jobs.PromptQueue;
import dev.comfy4j.jobs.QueueItem;
import dev.comfy4j.jobs.Worker;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;

/** {@code /queue}, {@code /interrupt} and {@code /free} (API spec §6.3 - §6.6). */
public final class QueueRoutes implements RouteFamily {
    private final PromptQueue queue;
    private final Worker worker;

    public QueueRoutes(PromptQueue queue, Worker worker) {
        this.queue = queue;
        this.worker = worker;
    }

    @Override
    public void register(Router router) {
        router.get("/queue", this::list);
        router.post("/queue", this::change);
        router.post("/interrupt", this::interrupt);
        router.post("/free", this::free);
    }

    private void list(Exchange ex) {
        ObjectNode body = Json.object();
        ArrayNode running = body.putArray("queue_running");
        queue.runningTuple().ifPresent(running::add);
        ArrayNode pending = body.putArray("queue_pending");
        for (QueueItem item : queue.pending()) pending.add(item.toTuple());
        ex.json(body);
    }

    private void change(Exchange ex) {
        ObjectNode body = ex.jsonObjectBody();
        if (Truthiness.truthy(body.get("clear"))) queue.clearPending();
        JsonNode delete = body.get("delete");
        if (delete != null && delete.isArray()) {
            for (JsonNode id : delete) queue.deletePending(Truthiness.str(id));
        }
        ex.empty(200);
    }

    /** The body is optional: an empty or non-JSON body means a global interrupt. */
    private void interrupt(Exchange ex) {
        String promptId = null;
        try {
            JsonNode body = Json.parse(ex.bodyText());
            if (body != null && body.isObject() && body.hasNonNull("prompt_id")) {
                promptId = Truthiness.str(body.get("prompt_id"));
            }
        } catch (Exception e) {
            // ComfyUI treats an unreadable body as {}: a global interrupt
        }
        worker.interrupt(promptId);
        ex.empty(200);
    }

    private void free(Exchange ex) {
        ObjectNode body = ex.jsonObjectBody();
        boolean free = Truthiness.truthy(body.get("free_memory"));
        boolean unload = body.has("unload_models") ? Truthiness.truthy(body.get("unload_models")) : free;
        worker.requestFree(unload, free);
        ex.empty(200);
    }
}
