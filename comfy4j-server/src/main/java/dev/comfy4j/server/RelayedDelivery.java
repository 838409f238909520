package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.jobs.EventBus;
import dev.comfy4j.json.Json;
import java.util.Base64;

/**
 * Prompt events on a shared job store: each delivery is published on the {@link EventBus}, and every
 * server (this one included) hands it to its own sockets ({@link #deliverLocally}). The bus keeps the
 * order, so a client on any server sees a prompt's messages in the order the worker emitted them.
 *
 * <p>A worker cannot see whether a client on another server asked for previews with metadata, so
 * previews travel as the plain type-1 frame every client reads (documented in compatibility.md).
 */
public final class RelayedDelivery implements EventDelivery {
    private final EventBus bus;
    private final Runnable localStatus;

    /** @param localStatus broadcasts {@code status} on this server (the shared queue calls it on every server) */
    public RelayedDelivery(EventBus bus, Runnable localStatus) {
        this.bus = bus;
        this.localStatus = localStatus;
    }

    @Override
    public void sendTo(String user, String sid, String type, JsonNode data) {
        ObjectNode m = message("send", user, sid).put("type", type);
        m.set("data", data);
        bus.publish(m);
    }

    @Override
    public void broadcastTo(String user, String type, JsonNode data) {
        ObjectNode m = message("broadcast", user, null).put("type", type);
        m.set("data", data);
        bus.publish(m);
    }

    @Override
    public void sendBinaryTo(String user, String sid, byte[] frame) {
        bus.publish(message("send_binary", user, sid).put("frame", Base64.getEncoder().encodeToString(frame)));
    }

    @Override
    public void broadcastBinaryTo(String user, byte[] frame) {
        bus.publish(message("broadcast_binary", user, null).put("frame", Base64.getEncoder().encodeToString(frame)));
    }

    @Override
    public void broadcastStatus() {
        // The shared queue runs its change listeners on every server when any server changes it, so
        // each one tells its own sockets.
        localStatus.run();
    }

    @Override
    public boolean supportsPreviewMetadata(String user, String sid) {
        return false;
    }

    private static ObjectNode message(String kind, String user, String sid) {
        ObjectNode message = Json.object();
        message.put("topic", EventBus.EVENT);
        message.put("kind", kind);
        if (user != null) message.put("user", user);
        if (sid != null) message.put("sid", sid);
        return message;
    }

    /** Hands a relayed delivery to this server's sockets. */
    public static void deliverLocally(ObjectNode message, WebSocketHub hub) {
        String user = message.path("user").isTextual() ? message.get("user").asText() : null;
        String sid = message.path("sid").isTextual() ? message.get("sid").asText() : null;
        switch (message.path("kind").asText()) {
            case "send" -> hub.sendTo(user, sid, message.get("type").asText(), message.get("data"));
            case "broadcast" -> hub.broadcastTo(user, message.get("type").asText(), message.get("data"));
            case "send_binary" -> hub.sendBinaryTo(user, sid, Base64.getDecoder().decode(message.get("frame").asText()));
            case "broadcast_binary" -> hub.broadcastBinaryTo(user, Base64.getDecoder().decode(message.get("frame").asText()));
            default -> { }
        }
    }
}
