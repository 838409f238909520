package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.jobs.HistoryStore;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import dev.comfy4j.server.auth.Access;
import dev.comfy4j.server.auth.Principal;
import java.util.ArrayList;
import java.util.List;

/** {@code /history} and {@code /history/{prompt_id}} (API spec §6.7 - §6.9). */
public final class HistoryRoutes implements RouteFamily {
    private final HistoryStore history;

    public HistoryRoutes(HistoryStore history) {
        this.history = history;
    }

    @Override
    public void register(Router router) {
        router.get("/history", this::page);
        router.get("/history/{prompt_id}", this::one);
        router.post("/history", this::change);
    }

    private void page(Exchange ex) {
        Integer maxItems = intParam(ex, "max_items");
        Integer offset = intParam(ex, "offset");
        Principal p = Access.principal(ex);
        ex.json(history.page(maxItems, offset == null ? -1 : offset, e -> Access.canSee(p, Access.ownerOfHistoryEntry(e))));
    }

    /** Another user's entry reads as unknown: {@code {}}. */
    private void one(Exchange ex) {
        String id = ex.pathParam("prompt_id");
        Principal p = Access.principal(ex);
        if (!Access.seesAll(p) && !Access.canSee(p, Access.ownerOfHistoryEntry(history.entry(id)))) {
            ex.json(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
            return;
        }
        ex.json(history.get(id));
    }

    /**
     * Python's int(): optional sign, digits, surrounding blanks, any size (clamped here, which selects
     * the same entries). ComfyUI answers 500 to anything else; we say 400.
     */
    private static Integer intParam(Exchange ex, String name) {
        String raw = ex.query(name);
        if (raw == null) return null;
        try {
            java.math.BigInteger value = new java.math.BigInteger(raw.strip().replace("_", ""));
            return value.max(java.math.BigInteger.valueOf(Integer.MIN_VALUE))
                    .min(java.math.BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("Invalid '" + name + "': " + raw + " is not an integer");
        }
    }

    private void change(Exchange ex) {
        ObjectNode body = ex.jsonObjectBody();
        Principal p = Access.principal(ex);
        if (Truthiness.truthy(body.get("clear"))) {
            if (Access.seesAll(p)) history.clear();
            else history.delete(history.idsWhere(e -> p.user().equals(Access.ownerOfHistoryEntry(e))));
        }
        JsonNode delete = body.get("delete");
        if (delete != null && delete.isArray()) {
            List<String> ids = new ArrayList<>();
            delete.forEach(id -> ids.add(Truthiness.str(id)));
            // another user's ids are ignored, like unknown ones
            ids.removeIf(id -> !Access.seesAll(p) && !p.user().equals(Access.ownerOfHistoryEntry(history.entry(id))));
            history.delete(ids);
        }
        ex.empty(200);
    }
}
