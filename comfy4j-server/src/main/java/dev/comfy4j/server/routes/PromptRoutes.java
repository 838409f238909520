package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.ValidationOutcome;
import dev.comfy4j.jobs.JobQueue;
import dev.comfy4j.jobs.QueueItem;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import dev.comfy4j.server.auth.Access;
import dev.comfy4j.server.auth.AuthErrors;
import dev.comfy4j.server.auth.Principal;
import java.util.UUID;

/** {@code GET /prompt} and {@code POST /prompt} (API spec §6.1, §6.2). */
public final class PromptRoutes implements RouteFamily {
    private final Engine engine;
    private final JobQueue queue;
    private final int maxQueuedPerUser;
    private final Admission admission;

    /** A last check of a valid prompt's {@code extra_data} before it is queued; throws {@link HttpError} to refuse. */
    @FunctionalInterface
    public interface Admission {
        void admit(ObjectNode extraData);
    }

    public PromptRoutes(Engine engine, JobQueue queue) {
        this(engine, queue, 0, extraData -> { });
    }

    /** @param maxQueuedPerUser {@code --max-queued-per-user}: queued plus running prompts per user; 0: no limit */
    public PromptRoutes(Engine engine, JobQueue queue, int maxQueuedPerUser, Admission admission) {
        this.engine = engine;
        this.queue = queue;
        this.maxQueuedPerUser = maxQueuedPerUser;
        this.admission = admission;
    }

    @Override
    public void register(Router router) {
        router.get("/prompt", this::status);
        router.post("/prompt", this::submit);
    }

    private void status(Exchange ex) {
        ObjectNode execInfo = Json.object();
        execInfo.put("queue_remaining", queue.remaining());
        ObjectNode body = Json.object();
        body.set("exec_info", execInfo);
        ex.json(body);
    }

    private void submit(Exchange ex) {
        // Errors in ComfyUI's JSON shape, which its clients read from every failed POST /prompt.
        JsonNode parsed = ex.jsonBodyOr(message -> HttpError.json(400,
                errorBody("invalid_prompt", "Invalid JSON body", message)));
        if (!(parsed instanceof ObjectNode body)) {
            // ComfyUI tests `"prompt" in body`: false for a list or a string, so "no_prompt"; a number,
            // null or a boolean makes it crash (500). Every body that is not an object has no prompt.
            throw HttpError.json(400, errorBody("no_prompt", "No prompt provided", "No prompt provided"));
        }
        JsonNode number = assignNumber(body);
        JsonNode prompt = body.get("prompt");
        if (prompt == null) {
            throw HttpError.json(400, errorBody("no_prompt", "No prompt provided", "No prompt provided"));
        }
        String promptId = body.has("prompt_id") ? Truthiness.str(body.get("prompt_id")) : UUID.randomUUID().toString();
        if (!prompt.isObject()) {
            throw HttpError.json(400, errorBody("invalid_prompt", "The prompt must be a JSON object of nodes.",
                    "Got " + prompt.getNodeType().name().toLowerCase() + "."));
        }
        ValidationOutcome outcome = engine.validate(promptId, prompt, partialTargets(body.get("partial_execution_targets")));
        if (!outcome.valid()) {
            ObjectNode error = Json.object();
            error.set("error", outcome.error());
            error.set("node_errors", outcome.nodeErrors());
            throw HttpError.json(400, error);
        }
        ObjectNode extraData = body.get("extra_data") instanceof ObjectNode o ? o.deepCopy() : Json.object();
        if (body.has("client_id")) extraData.set("client_id", body.get("client_id"));
        Principal principal = Access.principal(ex);
        Access.stampOwner(extraData, principal);
        admission.admit(extraData);
        synchronized (queue) { // the count and the put at once: two requests cannot both take the last place
            checkQueueLimit(principal == null ? null : principal.user());
            queue.put(new QueueItem(number, promptId, outcome.prompt(), extraData, outcome.outputs(), queue.nextSequence()));
        }
        ObjectNode answer = Json.object();
        answer.put("prompt_id", promptId);
        answer.set("number", number);
        answer.set("node_errors", outcome.nodeErrors());
        ex.json(answer);
    }

    /** 429 when this user (everyone, without authentication) already has the most prompts allowed. */
    private void checkQueueLimit(String user) {
        if (maxQueuedPerUser <= 0) return;
        int queued = (int) queue.pending().stream().filter(i -> Objects.equals(Access.ownerOf(i.extraData()), user)).count();
        queued += (int) queue.running().stream().filter(i -> Objects.equals(Access.ownerOf(i.extraData()), user)).count();
        if (queued >= maxQueuedPerUser) throw AuthErrors.tooManyQueued(maxQueuedPerUser, queued);
    }

    /** ComfyUI takes the number before it looks at the prompt: a float when given, else the counter. */
    private JsonNode assignNumber(ObjectNode body) {
        JsonNode given = body.get("number");
        if (given == null) return queue.nextNumber(Truthiness.truthy(body.get("front")));
        if (given.isNumber()) return DoubleNode.valueOf(given.doubleValue());
        if (given.isTextual()) {
            try {
                return DoubleNode.valueOf(Double.parseDouble(given.textValue().trim()));
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw HttpError.badRequest("Invalid 'number': " + Json.write(given) + " is not a number");
    }

    private static List<String> partialTargets(JsonNode targets) {
        if (targets == null || targets.isNull()) return null;
        if (!targets.isArray()) {
            throw HttpError.badRequest("Invalid 'partial_execution_targets': expected a list of node ids");
        }
        List<String> ids = new ArrayList<>();
        targets.forEach(t -> ids.add(Truthiness.str(t)));
        return ids;
    }

    static ObjectNode errorBody(String type, String message, String details) {
        ObjectNode error = Json.object();
        error.put("type", type);
        error.put("message", message);
        error.put("details", details);
        error.putObject("extra_info");
        ObjectNode body = Json.object();
        body.set("error", error);
        body.putObject("node_errors");
        return body;
    }
}
