package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the prompt events go: this server's sockets ({@link WebSocketHub}), or every server of a
 * shared job store ({@link RelayedDelivery}). {@code user} is the prompt's owner with authentication
 * (null without), {@code sid} the client id.
 */
public interface EventDelivery {
    void sendTo(String user, String sid, String type, JsonNode data);

    void broadcastTo(String user, String type, JsonNode data);

    void sendBinaryTo(String user, String sid, byte[] frame);

    void broadcastBinaryTo(String user, byte[] frame);

    /** The queue changed: every socket gets a {@code status} message. */
    void broadcastStatus();

    /** Whether that client asked for previews with metadata (the {@code feature_flags} exchange). */
    boolean supportsPreviewMetadata(String user, String sid);
}
