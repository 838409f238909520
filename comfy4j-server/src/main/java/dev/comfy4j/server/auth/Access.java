package dev.comfy4j.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.server.Exchange;
import io.javalin.http.Context;

/**
 * Who may see what. A prompt's owner is kept in its {@code extra_data} under {@link #OWNER_KEY}, so
 * that it travels with the prompt into the queue, the database and history without a new column.
 * Without authentication there is no principal and everyone sees everything, as in ComfyUI.
 */
public final class Access {
    /** The {@code extra_data} key naming the user who submitted a prompt (set by the server only). */
    public static final String OWNER_KEY = "comfy4j_user";
    static final String PRINCIPAL_ATTRIBUTE = "comfy4j.principal";

    private Access() {}

    /** The request's principal, or null when authentication is off. */
    public static Principal principal(Exchange ex) {
        return principal(ex.ctx());
    }

    public static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL_ATTRIBUTE);
    }

    /** The user name a request acts for, or null without authentication. */
    public static String user(Exchange ex) {
        Principal p = principal(ex);
        return p == null ? null : p.user();
    }

    /** Whether this principal sees every user's prompts: an admin, or anyone when auth is off. */
    public static boolean seesAll(Principal p) {
        return p == null || p.isAdmin();
    }

    /** The owner recorded in an {@code extra_data} object, or null. */
    public static String ownerOf(JsonNode extraData) {
        JsonNode owner = extraData == null ? null : extraData.get(OWNER_KEY);
        return owner != null && owner.isTextual() ? owner.asText() : null;
    }

    /** The owner of a queue tuple {@code [number, id, prompt, extra_data, outputs]}. */
    public static String ownerOfTuple(JsonNode tuple) {
        return tuple != null && tuple.size() > 3 ? ownerOf(tuple.get(3)) : null;
    }

    /** The owner of a history entry (its {@code prompt} is the queue tuple). */
    public static String ownerOfHistoryEntry(JsonNode entry) {
        return entry == null ? null : ownerOfTuple(entry.get("prompt"));
    }

    /** Whether {@code p} may see a prompt owned by {@code owner}. */
    public static boolean canSee(Principal p, String owner) {
        return seesAll(p) || p.user().equals(owner);
    }

    /**
     * Records the submitter in {@code extra_data}. A value the client sent under the key is dropped
     * in every mode, so that nobody can pass a prompt off as another user's.
     */
    public static void stampOwner(ObjectNode extraData, Principal p) {
        extraData.remove(OWNER_KEY);
        if (p != null) extraData.put(OWNER_KEY, p.user());
    }
}
