package dev.comfy4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint {@code /ws} (API spec §12): the sid registry, the connect-time greeting, the
 * {@code feature_flags} exchange, and delivery to one sid or to everyone.
 *
 * <p>A client is registered while its upgrade request is handled, before the 101 answer goes out, with
 * the greeting as its first message: a prompt the client posts as soon as its socket is open is
 * announced to it, as in ComfyUI, and nothing overtakes the greeting. Messages for a socket whose
 * connection is not yet established wait in its queue. Every frame is written by one sending thread,
 * which waits for each write, so messages reach clients in the order they were emitted. When a sid
 * reconnects the newer socket takes over; a closing socket removes the registry entry only if it
 * still owns it (ComfyUI's old-socket-close bug is not reproduced).
 */
public final class WebSocketHub implements EventDelivery, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHub.class);
    private static final String CLIENT_ATTRIBUTE = "comfy4j.ws.client";
    private static final long SEND_TIMEOUT_SECONDS = 10;
    /** A registered client whose connection never opened is dropped after this long. */
    private static final long CONNECT_TIMEOUT_MILLIS = 30_000;
    private static final int MAX_WAITING_MESSAGES = 10_000;
    /**
     * Messages handed to the sending thread and not yet written. Beyond this the emitting thread (the
     * prompt worker) waits: a prompt that emits faster than clients read cannot fill the heap.
     */
    private static final int MAX_BACKLOG = 4_096;

    /** A text message, written as JSON once, on the sending thread, and only if someone receives it. */
    private static final class Message {
        private final String type;
        private final JsonNode data;
        private String text;

        Message(String type, JsonNode data) {
            this.type = type;
            this.data = data;
        }

        String text() {
            if (text == null) text = Json.write(message(type, data));
            return text;
        }
    }

    /** One client socket. Its queue and context are touched only by the sending thread. */
    private static final class Client {
        final String sid;
        /** The authenticated user of the socket; null without authentication. */
        final String user;
        final String key;
        final long registeredAt = System.currentTimeMillis();
        final ArrayDeque<Object> waiting = new ArrayDeque<>();
        WsContext ctx;
        volatile boolean firstMessageSeen;
        volatile boolean supportsPreviewMetadata;

        Client(String sid, String user) {
            this.sid = sid;
            this.user = user;
            this.key = key(user, sid);
        }
    }

    private final Map<String, Client> clientsBySid = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ws-sender");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.Semaphore backlog = new java.util.concurrent.Semaphore(MAX_BACKLOG);
    private final Supplier<ObjectNode> serverFeatureFlags;
    private volatile IntSupplier queueRemaining = () -> 0;
    private volatile Function<String, Optional<String>> executingNodeOfClient = sid -> Optional.empty();

    public WebSocketHub(Supplier<ObjectNode> serverFeatureFlags) {
        this.serverFeatureFlags = serverFeatureFlags;
    }

    /**
     * The registry key of a socket: its sid, or with authentication its user and sid, so that a
     * client that names another user's sid gets a socket of its own and none of that user's events.
     */
    public static String key(String user, String sid) {
        return user == null ? sid : user + "\n" + sid;
    }

    /** Where the connect-time status and executing messages read their facts. */
    public void connectTo(IntSupplier queueRemaining, Function<String, Optional<String>> executingNodeOfClient) {
        this.queueRemaining = queueRemaining;
        this.executingNodeOfClient = executingNodeOfClient;
    }

    /**
     * Registers the client of an upgrade request that passed the origin check, before the upgrade
     * completes. The greeting is built now, from the queue as it is at connect time.
     */
    void beforeUpgrade(Context upgrade) {
        String requested = upgrade.queryParam("clientId");
        String sid = requested == null || requested.isEmpty() ? UUID.randomUUID().toString().replace("-", "") : requested;
        dev.comfy4j.server.auth.Principal principal = dev.comfy4j.server.auth.Access.principal(upgrade);
        Client client = new Client(sid, principal == null ? null : principal.user());
        upgrade.attribute(CLIENT_ATTRIBUTE, client);
        ObjectNode data = statusData();
        data.put("sid", sid);
        client.waiting.add(Json.write(message("status", data)));
        executingNodeOfClient.apply(client.key).ifPresent(node -> {
            ObjectNode executing = Json.object();
            executing.put("node", node);
            client.waiting.add(Json.write(message("executing", executing)));
        });
        // The new client is published by the sending thread, after every message emitted before now.
        sender.execute(() -> clientsBySid.put(client.key, client));
    }

    void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(java.time.Duration.ZERO);
            Client client = ctx.attribute(CLIENT_ATTRIBUTE);
            if (client == null) return;
            sender.execute(() -> {
                // Even a socket that a newer one with the same sid replaced gets its own greeting.
                client.ctx = ctx;
                while (!client.waiting.isEmpty()) sendNow(ctx, client.waiting.poll());
            });
        });
        ws.onMessage(ctx -> {
            Client c = ctx.attribute(CLIENT_ATTRIBUTE);
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
                String reply = Json.write(message("feature_flags", serverFeatureFlags.get()));
                sender.execute(() -> deliver(c, reply)); // after the greeting, even if still connecting
            }
        });
        ws.onClose(ctx -> forget(ctx));
        ws.onError(ctx -> forget(ctx));
    }

    /** On the sending thread, so that it comes after the connection's own attach step. */
    private void forget(WsContext ctx) {
        Client c = ctx.attribute(CLIENT_ATTRIBUTE);
        if (c != null) sender.execute(() -> clientsBySid.remove(c.key, c));
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
    @Override
    public void broadcastStatus() {
        broadcast("status", statusData());
    }

    public static ObjectNode message(String type, JsonNode data) {
        ObjectNode m = Json.object();
        m.put("type", type);
        m.set("data", data);
        return m;
    }

    /** To the socket registered under this key ({@link #key}: the sid without authentication). {@code data} must not change afterwards: it is written out later. */
    public void sendTo(String key, String type, JsonNode data) {
        if (key != null) deliverTo(key, new Message(type, data));
    }

    /** To the sid of this user (null: without authentication). */
    @Override
    public void sendTo(String user, String sid, String type, JsonNode data) {
        if (sid != null) sendTo(key(user, sid), type, data);
    }

    /** Sends to everyone. {@code data} must not change afterwards: it is written out later. */
    public void broadcast(String type, JsonNode data) {
        deliverToAll(null, new Message(type, data));
    }

    /** To every socket of {@code user}; to everyone when {@code user} is null (no authentication). */
    @Override
    public void broadcastTo(String user, String type, JsonNode data) {
        deliverToAll(user, new Message(type, data));
    }

    @Override
    public void sendBinaryTo(String user, String sid, byte[] frame) {
        if (sid != null) deliverTo(key(user, sid), frame);
    }

    /** Binary frame to every socket of {@code user}, or to everyone when null. */
    @Override
    public void broadcastBinaryTo(String user, byte[] frame) {
        deliverToAll(user, frame);
    }

    /** Registered sockets (for {@code /metrics}). */
    public int clientCount() {
        return clientsBySid.size();
    }

    /** Whether the socket of this user's sid declared {@code supports_preview_metadata: true}. */
    @Override
    public boolean supportsPreviewMetadata(String user, String sid) {
        Client c = sid == null ? null : clientsBySid.get(key(user, sid));
        return c != null && c.supportsPreviewMetadata;
    }

    private void deliverTo(String key, Object payload) {
        enqueue(() -> {
            Client c = clientsBySid.get(key);
            if (c != null) deliver(c, payload);
        });
    }

    private void deliverToAll(String user, Object payload) {
        enqueue(() -> clientsBySid.values().forEach(c -> {
            if (user == null || user.equals(c.user)) deliver(c, payload);
        }));
    }

    /** Hands a delivery to the sending thread, waiting while the backlog is full. */
    private void enqueue(Runnable delivery) {
        boolean counted;
        try {
            counted = backlog.tryAcquire(2 * SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            counted = false;
        }
        boolean release = counted;
        try {
            sender.execute(() -> {
                try {
                    delivery.run();
                } finally {
                    if (release) backlog.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            if (release) backlog.release(); // the hub is closed: nobody is listening any more
        }
    }

    /** On the sending thread: write now, or keep for a socket still connecting (within bounds). */
    private void deliver(Client c, Object payload) {
        if (c.ctx != null) {
            sendNow(c.ctx, payload);
        } else if (System.currentTimeMillis() - c.registeredAt > CONNECT_TIMEOUT_MILLIS
                || c.waiting.size() >= MAX_WAITING_MESSAGES) {
            clientsBySid.remove(c.key, c); // its upgrade never completed
        } else {
            c.waiting.add(payload);
        }
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
            } else if (payload instanceof Message m) {
                ctx.session.sendText(m.text(), callback);
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
