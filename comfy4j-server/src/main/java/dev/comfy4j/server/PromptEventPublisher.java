package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.ExecutionListener;
import dev.comfy4j.jobs.JobEvents;
import dev.comfy4j.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;

/**
 * Turns job and execution events into WebSocket messages with ComfyUI's targeting rules (API spec
 * §12.5): some go only to the prompt's client (dropped when it has none), some to the client or to
 * everyone when there is no client, status and progress text always to everyone.
 */
public final class PromptEventPublisher implements JobEvents {
    static final int PREVIEW_IMAGE = 1;
    static final int TEXT = 3;
    static final int PREVIEW_IMAGE_WITH_METADATA = 4;

    /** Sent to the client, or broadcast when the prompt has none. */
    private static final Set<String> CLIENT_OR_BROADCAST = Set.of("progress", "progress_state", "execution_interrupted");

    private final EventDelivery hub;
    private volatile Function<String, String> ownerOfPrompt = promptId -> null;
    private volatile String runningOwner;
    private volatile String runningClient;
    private volatile String executingNode;

    public PromptEventPublisher(EventDelivery hub) {
        this.hub = hub;
    }

    /**
     * Where the owner of a prompt is looked up when it starts (with authentication): its events go
     * only to that user's sockets.
     */
    public void ownersFrom(Function<String, String> lookup) {
        this.ownerOfPrompt = lookup;
    }

    @Override
    public void queueChanged() {
        hub.broadcastStatus();
    }

    /** The node running for this socket key ({@link WebSocketHub#key}), for the greeting of a reconnecting client. */
    public Optional<String> executingNodeOf(String key) {
        String client = runningClient;
        String node = executingNode;
        return client != null && WebSocketHub.key(runningOwner, client).equals(key) && node != null
                ? Optional.of(node) : Optional.empty();
    }

    @Override
    public ExecutionListener promptListener(String promptId, String clientId) {
        String owner = ownerOfPrompt.apply(promptId);
        runningOwner = owner;
        runningClient = clientId;
        executingNode = null;
        return new ExecutionListener() {
            /** A type-1 preview waits for its tick's {@code progress} message: ComfyUI sends it after. */
            private byte[] previewAfterProgress;

            @Override
            public void event(String type, ObjectNode data) {
                if (type.equals("executing")) {
                    JsonNode node = data.get("node");
                    executingNode = node != null && node.isTextual() ? node.asText() : null;
                }
                if (!type.equals("progress")) sendPendingPreview();
                if (CLIENT_OR_BROADCAST.contains(type)) {
                    toClientOrEveryone(owner, clientId, type, data);
                } else {
                    hub.sendTo(owner, clientId, type, data);
                }
                if (type.equals("progress")) sendPendingPreview();
            }

            private void sendPendingPreview() {
                if (previewAfterProgress == null) return;
                if (clientId != null) hub.sendBinaryTo(owner, clientId, previewAfterProgress);
                else hub.broadcastBinaryTo(owner, previewAfterProgress);
                previewAfterProgress = null;
            }

            @Override
            public void executionBlocked(ObjectNode data) {
                toClientOrEveryone(owner, clientId, "execution_error", data);
            }

            @Override
            public void previewImage(String imageType, byte[] encoded, ObjectNode metadata) {
                if (clientId != null && hub.supportsPreviewMetadata(owner, clientId)) {
                    hub.sendBinaryTo(owner, clientId, previewWithMetadata(encoded, metadata));
                    return;
                }
                sendPendingPreview();
                previewAfterProgress = frame(PREVIEW_IMAGE, intBytes(imageType.equals("image/png") ? 2 : 1), encoded);
            }

            @Override
            public void progressText(String nodeId, String text) {
                sendPendingPreview();
                byte[] id = nodeId.getBytes(StandardCharsets.UTF_8);
                // ComfyUI broadcasts node text to everyone; with authentication, to the owner's sockets
                hub.broadcastBinaryTo(owner, frame(TEXT, intBytes(id.length), id, text.getBytes(StandardCharsets.UTF_8)));
            }
        };
    }

    private void toClientOrEveryone(String owner, String clientId, String type, ObjectNode data) {
        if (clientId != null) hub.sendTo(owner, clientId, type, data);
        else hub.broadcastTo(owner, type, data);
    }

    @Override
    public void promptFinished(String promptId, String clientId) {
        String owner = runningOwner;
        runningOwner = null;
        runningClient = null;
        executingNode = null;
        ObjectNode data = Json.object();
        data.putNull("node");
        data.put("prompt_id", promptId);
        hub.sendTo(owner, clientId, "executing", data);
    }

    static byte[] previewWithMetadata(byte[] encoded, ObjectNode metadata) {
        byte[] json = Json.writeBytes(metadata);
        return frame(PREVIEW_IMAGE_WITH_METADATA, intBytes(json.length), json, encoded);
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    static byte[] frame(int eventType, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(intBytes(eventType));
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
