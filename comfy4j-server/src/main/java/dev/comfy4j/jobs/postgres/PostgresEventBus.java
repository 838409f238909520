package dev.comfy4j.jobs.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.jobs.EventBus;
import dev.comfy4j.json.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus of servers sharing one database: {@code NOTIFY comfy4j} to publish, one {@code LISTEN}ing
 * connection per server to receive. PostgreSQL delivers the notifications of committed transactions in
 * commit order, and a publisher's NOTIFYs commit one after the other, so every server sees one
 * worker's messages in the order it sent them. A message over the payload limit (a preview image) is
 * stored in {@code bus_payloads} and the notification carries its id.
 */
public final class PostgresEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresEventBus.class);
    static final String CHANNEL = "comfy4j";
    /** NOTIFY's payload must stay under 8000 bytes. */
    private static final int MAX_INLINE_BYTES = 7000;

    private final PostgresDatabase db;
    private final List<Consumer<ObjectNode>> subscribers = new CopyOnWriteArrayList<>();
    private final Thread listener;
    private volatile boolean closed;
    private volatile Connection listening;

    PostgresEventBus(PostgresDatabase db) {
        this.db = db;
        this.listener = Thread.ofPlatform().name("job-bus-listener").daemon(true).unstarted(this::listen);
        connect();
        listener.start();
    }

    private void connect() {
        try {
            Connection c = db.dedicatedConnection();
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            listening = c;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot LISTEN on the job database: " + e.getMessage(), e);
        }
    }

    @Override
    public void publish(ObjectNode message) {
        String text = Json.write(message);
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_INLINE_BYTES) {
            long id = db.query("INSERT INTO bus_payloads (payload) VALUES (?) RETURNING id", r -> r.getLong(1), text).getFirst();
            text = "{\"ref\":" + id + "}";
        }
        db.query("SELECT pg_notify(?, ?)", r -> 0, CHANNEL, text);
    }

    @Override
    public void subscribe(Consumer<ObjectNode> subscriber) {
        subscribers.add(subscriber);
    }

    @Override
    public boolean crossesServers() {
        return true;
    }

    private void listen() {
        long lastCleanup = System.currentTimeMillis();
        while (!closed) {
            try {
                PGNotification[] notes = listening.unwrap(PGConnection.class).getNotifications(500);
                if (notes != null) {
                    for (PGNotification note : notes) deliver(note.getParameter());
                }
                if (System.currentTimeMillis() - lastCleanup > 60_000) {
                    lastCleanup = System.currentTimeMillis();
                    // every server has read a large message within seconds; a minute is plenty
                    db.update("DELETE FROM bus_payloads WHERE created < now() - interval '5 minutes'");
                }
            } catch (Exception e) {
                if (closed) return;
                LOG.warn("Job bus: {}; reconnecting", e.toString());
                reconnect();
            }
        }
    }

    private void reconnect() {
        try {
            listening.close();
        } catch (Exception ignored) {
            // already broken
        }
        while (!closed) {
            try {
                connect();
                return;
            } catch (IllegalStateException e) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void deliver(String payload) {
        try {
            ObjectNode message = (ObjectNode) StoredJson.parse(payload);
            if (message.has("ref") && message.size() == 1) {
                List<String> stored = db.query("SELECT payload FROM bus_payloads WHERE id = ?", r -> r.getString(1),
                        message.get("ref").asLong());
                if (stored.isEmpty()) return;
                message = (ObjectNode) StoredJson.parse(stored.getFirst());
            }
            for (Consumer<ObjectNode> s : subscribers) s.accept(message);
        } catch (RuntimeException e) {
            LOG.warn("Job bus: a message could not be delivered: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        try {
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            listening.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
