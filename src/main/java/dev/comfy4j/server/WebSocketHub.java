package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint {@code /ws} (API spec §12): the sid registry, the connect-time greeting, the
 * {@code feature_flags} exchange, and delivery to one sid or to everyone.
 *
 * <p>Every outgoing message passes through one sending thread, so messages reach clients in the
 * order they were emitted, whichever thread emitted them. When a sid reconnects the newer socket
 * takes over; a closing socket removes the registry entry only if it still owns it (ComfyUI's
 * old-socket-close bug is not reproduced).
 */
public final class WebSocketHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHub.class);
    private static final long SEND_TIMEOUT_SECONDS = 10;

    /** Per-connection state. */
    private static final class Connection {
        final String sid;
        volatile boolean firstMessageSeen;
        volatile boolean supportsPreviewMetadata;

        Connection(String sid) {
            this.sid = sid;
        }
    }

    private final Map<String, WsContext> socketsBySid = new ConcurrentHashMap<>();
    private final Map<String, Connection> connections = new ConcurrentHashMap<>(); // by Javalin session id
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ws-sender");
        t.setDaemon(true);
        return t;
    });
    private final Supplier<ObjectNode> serverFeatureFlags;
    private volatile IntSupplier queueRemaining = () -> 0;
    private volatile Function<String, Optional<String>> executingNodeOfClient = sid -> Optional.empty();

    public WebSocketHub(Supplier<ObjectNode> serverFeatureFlags) {
        this.serverFeatureFlags = serverFeatureFlags;
    }

    /** Where the connect-time status and executing messages read their facts. */
    public void connectTo(IntSupplier queueRemaining, Function<String, Optional<String>> executingNodeOfClient) {
        this.queueRemaining = queueRemaining;
        this.executingNodeOfClient = executingNodeOfClient;
    }

    void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(java.time.Duration.ZERO);
            String requested = ctx.queryParam("clientId");
            String sid = requested == null || requested.isEmpty()
                    ? UUID.randomUUID().toString().replace("-", "") : requested;
            connections.put(ctx.sessionId(), new Connection(sid));
            // The greeting states the queue as it is now; the socket is registered on the sending
            // thread right before the greeting goes out, so no broadcast can overtake it and none
            // emitted after this point is missed.
            ObjectNode data = statusData();
            data.put("sid", sid);
            String greeting = Json.write(message("status", data));
            String executing = executingNodeOfClient.apply(sid).map(node -> {
                ObjectNode running = Json.object();
                running.put("node", node);
                return Json.write(message("executing", running));
            }).orElse(null);
            sender.execute(() -> {
                if (!ctx.session.isOpen()) return; // closed before it was registered
                socketsBySid.put(sid, ctx);
                sendNow(ctx, greeting);
                if (executing != null) sendNow(ctx, executing);
            });
        });
        ws.onMessage(ctx -> {
            Connection c = connections.get(ctx.sessionId());
            if (c == null || c.firstMessageSeen) return;
            JsonNode msg;
            try {
                msg = Json.parse(ctx.message());
            } catch (Exception e) {
                LOG.warn("Invalid JSON from WebSocket client {}: {}", c.sid, e.getMessage());
                return;
            }
            c.firstMessageSeen = true;
            if (msg != null && msg.isObject() && "feature_flags".equals(msg.path("type").asText(null))) {
                JsonNode flags = msg.path("data");
                c.supportsPreviewMetadata = flags.path("supports_preview_metadata").isBoolean()
                        && flags.path("supports_preview_metadata").booleanValue();
                send(ctx, message("feature_flags", serverFeatureFlags.get()));
            }
        });
        ws.onClose(ctx -> {
            Connection c = connections.remove(ctx.sessionId());
            if (c != null) socketsBySid.remove(c.sid, ctx);
        });
        ws.onError(ctx -> {
            Connection c = connections.remove(ctx.sessionId());
            if (c != null) socketsBySid.remove(c.sid, ctx);
        });
    }

    public ObjectNode statusData() {
        ObjectNode execInfo = Json.object();
        execInfo.put("queue_remaining", queueRemaining.getAsInt());
        ObjectNode status = Json.object();
        status.set("exec_info", execInfo);
        ObjectNode data = Json.object();
        data.set("status", status);
        return data;
    }

    /** Broadcasts {@code status} with the current queue size. */
    public void broadcastStatus() {
        broadcast("status", statusData());
    }

    public static ObjectNode message(String type, JsonNode data) {
        ObjectNode m = Json.object();
        m.put("type", type);
        m.set("data", data);
        return m;
    }

    public void sendTo(String sid, String type, JsonNode data) {
        if (sid == null) return;
        String text = Json.write(message(type, data));
        sender.execute(() -> {
            WsContext ctx = socketsBySid.get(sid);
            if (ctx != null) sendNow(ctx, text);
        });
    }

    public void broadcast(String type, JsonNode data) {
        String text = Json.write(message(type, data));
        sender.execute(() -> socketsBySid.values().forEach(ctx -> sendNow(ctx, text)));
    }

    public void sendBinaryTo(String sid, byte[] frame) {
        if (sid == null) return;
        sender.execute(() -> {
            WsContext ctx = socketsBySid.get(sid);
            if (ctx != null) sendNow(ctx, frame);
        });
    }

    public void broadcastBinary(byte[] frame) {
        sender.execute(() -> socketsBySid.values().forEach(ctx -> sendNow(ctx, frame)));
    }

    /** Whether the socket of this sid declared {@code supports_preview_metadata: true}. */
    public boolean supportsPreviewMetadata(String sid) {
        if (sid == null) return false;
        WsContext ctx = socketsBySid.get(sid);
        if (ctx == null) return false;
        Connection c = connections.get(ctx.sessionId());
        return c != null && c.supportsPreviewMetadata;
    }

    private void send(WsContext ctx, JsonNode message) {
        String text = Json.write(message);
        sender.execute(() -> sendNow(ctx, text));
    }

    /**
     * Writes one frame and waits for it to be written: Jetty allows one outstanding write per
     * session, and waiting keeps the order. A client that cannot take a frame within the timeout is
     * disconnected rather than allowed to stall everyone else.
     */
    private static void sendNow(WsContext ctx, Object payload) {
        if (!ctx.session.isOpen()) return;
        CompletableFuture<Void> written = new CompletableFuture<>();
        Callback callback = Callback.from(() -> written.complete(null), written::completeExceptionally);
        try {
            if (payload instanceof byte[] bytes) {
                ctx.session.sendBinary(ByteBuffer.wrap(bytes), callback);
            } else {
                ctx.session.sendText((String) payload, callback);
            }
            written.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("WebSocket client too slow; closing it");
            ctx.closeSession(1008, "too slow");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            LOG.debug("WebSocket send failed: {}", e.getMessage());
        }
    }

    /** Waits until every message emitted so far has been handed to the sockets (tests, shutdown). */
    public void flush() {
        try {
            sender.submit(() -> {}).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("flush interrupted: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        flush();
        sender.shutdownNow();
    }
}
