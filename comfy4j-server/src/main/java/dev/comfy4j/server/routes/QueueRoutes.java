package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.jobs.JobQueue;
import dev.comfy4j.jobs.Jobs;
import dev.comfy4j.jobs.QueueItem;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import dev.comfy4j.server.auth.Access;
import dev.comfy4j.server.auth.AuthErrors;
import dev.comfy4j.server.auth.Principal;
import java.util.List;
import java.util.Optional;

/** {@code /queue}, {@code /interrupt} and {@code /free} (API spec §6.3 - §6.6). */
public final class QueueRoutes implements RouteFamily {
    private final JobQueue queue;
    private final Jobs jobs;

    public QueueRoutes(Jobs jobs) {
        this.queue = jobs.queue();
        this.jobs = jobs;
    }

    @Override
    public void register(Router router) {
        router.get("/queue", this::list);
        router.post("/queue", this::change);
        router.post("/interrupt", this::interrupt);
        router.post("/free", this::free);
    }

    private void list(Exchange ex) {
        Principal p = Access.principal(ex);
        ObjectNode body = Json.object();
        ArrayNode running = body.putArray("queue_running");
        queue.runningTuples().stream().filter(t -> Access.canSee(p, Access.ownerOfTuple(t))).forEach(running::add);
        ArrayNode pending = body.putArray("queue_pending");
        for (QueueItem item : queue.pending()) {
            if (Access.canSee(p, Access.ownerOf(item.extraData()))) pending.add(item.toTuple());
        }
        ex.json(body);
    }

    /** With authentication a user clears and deletes only its own pending prompts; others' ids count as unknown. */
    private void change(Exchange ex) {
        Principal p = Access.principal(ex);
        ObjectNode body = ex.jsonObjectBody();
        if (Truthiness.truthy(body.get("clear"))) {
            if (Access.seesAll(p)) queue.clearPending();
            else queue.deletePendingWhere(i -> p.user().equals(Access.ownerOf(i.extraData())), true);
        }
        JsonNode delete = body.get("delete");
        if (delete != null && delete.isArray()) {
            for (JsonNode id : delete) {
                String promptId = Truthiness.str(id);
                if (Access.seesAll(p)) queue.deletePending(promptId);
                else queue.deletePendingWhere(i -> i.promptId().equals(promptId)
                        && p.user().equals(Access.ownerOf(i.extraData())), false);
            }
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
        Principal p = Access.principal(ex);
        if (!Access.seesAll(p)) {
            // A user stops only its own prompt, and always by id: a global interrupt could hit the
            // next prompt, someone else's, if the running one ends meanwhile.
            // Without an id: the user's own running prompt (the oldest, when several servers run theirs).
            String wanted = promptId;
            List<QueueItem> all = queue.running();
            Optional<QueueItem> running = wanted != null && !wanted.isEmpty()
                    ? all.stream().filter(i -> i.promptId().equals(wanted)).findFirst()
                    : all.stream().filter(i -> p.user().equals(Access.ownerOf(i.extraData()))).findFirst()
                            .or(() -> all.stream().findFirst());
            if (running.isEmpty()) {
                ex.empty(200); // nothing of that id runs: ComfyUI does nothing either
                return;
            }
            if (!p.user().equals(Access.ownerOf(running.get().extraData()))) {
                throw AuthErrors.forbidden("The running prompt belongs to another user.");
            }
            promptId = running.get().promptId();
        }
        jobs.interrupt(promptId);
        ex.empty(200);
    }

    private void free(Exchange ex) {
        ObjectNode body = ex.jsonObjectBody();
        boolean free = Truthiness.truthy(body.get("free_memory"));
        boolean unload = body.has("unload_models") ? Truthiness.truthy(body.get("unload_models")) : free;
        jobs.requestFree(unload, free);
        ex.empty(200);
    }
}
