package dev.comfy4j.jobs.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ScaleOutSettings;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.jobs.EventBus;
import dev.comfy4j.jobs.JobEvents;
import dev.comfy4j.jobs.JobStore;
import dev.comfy4j.jobs.Jobs;
import dev.comfy4j.jobs.Worker;
import java.util.List;
import java.util.Map;

/**
 * The shared PostgreSQL store: opens the pool (migrating the schema), the bus, and assembles the job
 * layer over them ({@link #jobs}). As a {@link JobStore} it keeps the webhook outbox and answers the
 * readiness probe; its queue and history live in {@link PostgresJobQueue} and {@link PostgresHistory},
 * which every server reads directly, so the restore-at-start methods of a local store have nothing to
 * give (no server owns the queue; lost claims come back when their lease runs out).
 */
public final class PostgresJobStore implements JobStore {
    private final ScaleOutSettings settings;
    private final PostgresDatabase db;
    private final PostgresEventBus bus;

    private PostgresJobStore(ScaleOutSettings settings, PostgresDatabase db) {
        this.settings = settings;
        this.db = db;
        this.bus = new PostgresEventBus(db);
    }

    public static PostgresJobStore open(ScaleOutSettings settings) {
        PostgresDatabase db = PostgresDatabase.open(settings.databaseUrl());
        try {
            return new PostgresJobStore(settings, db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public EventBus bus() {
        return bus;
    }

    /** The job layer on this store; {@code runsPrompts} false for an {@code --role api} server. */
    public Jobs jobs(Engine engine, JobEvents events, boolean runsPrompts) {
        PostgresJobQueue queue = new PostgresJobQueue(db, bus, settings.leaseMillis());
        queue.onChange(events::queueChanged);
        PostgresWorkerRegistry registry = new PostgresWorkerRegistry(db, settings.leaseMillis());
        Worker worker = runsPrompts
                ? new Worker(queue, engine, events, registry, Math.max(50, settings.leaseMillis() / 3)) : null;
        return new Jobs(this, queue, new PostgresHistory(db), registry, bus, worker, db);
    }

    /** Nothing to restore: every server reads the shared queue directly. */
    @Override public List<StoredItem> loadQueue() { return List.of(); }

    @Override public void addPending(dev.comfy4j.jobs.QueueItem item) { throw shared("addPending"); }

    @Override public void markRunning(long sequence) { throw shared("markRunning"); }

    @Override public void removeItem(long sequence) { throw shared("removeItem"); }

    @Override public void clearPending() { throw shared("clearPending"); }

    @Override public Map<String, ObjectNode> loadHistory() { return Map.of(); }

    @Override public void putHistory(String promptId, ObjectNode entry) { new PostgresHistory(db).put(promptId, entry); }

    @Override public void deleteHistory(List<String> promptIds) { new PostgresHistory(db).delete(promptIds); }

    @Override public void clearHistory() { new PostgresHistory(db).clear(); }

    @Override public long loadCounter() { return db.query("SELECT last_value FROM prompt_counter", r -> r.getLong(1)).getFirst(); }

    @Override public void saveCounter(long next) { throw shared("saveCounter"); }

    private static UnsupportedOperationException shared(String what) {
        return new UnsupportedOperationException(what + ": the shared queue is written by PostgresJobQueue, not through the store");
    }

    @Override
    public long addWebhook(String promptId, String url, String body, long nextAttemptMillis) {
        return db.query("INSERT INTO webhooks (prompt_id, url, body, next_attempt) VALUES (?, ?, ?, ?) RETURNING id",
                r -> r.getLong(1), promptId, url, body, nextAttemptMillis).getFirst();
    }

    /** Each due call is taken by one server: the row is pushed into the future as it is read. */
    @Override
    public List<Webhook> dueWebhooks(long nowMillis, int limit) {
        return db.query("""
                UPDATE webhooks w SET next_attempt = ? FROM (
                    SELECT id FROM webhooks WHERE next_attempt <= ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) due
                WHERE w.id = due.id
                RETURNING w.id, w.prompt_id, w.url, w.body, w.attempts, w.next_attempt""",
                r -> new Webhook(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5), nowMillis),
                nowMillis + 60_000, nowMillis, limit);
    }

    @Override
    public void rescheduleWebhook(long id, int attempts, long nextAttemptMillis) {
        db.update("UPDATE webhooks SET attempts = ?, next_attempt = ? WHERE id = ?", attempts, nextAttemptMillis, id);
    }

    @Override
    public void removeWebhook(long id) {
        db.update("DELETE FROM webhooks WHERE id = ?", id);
    }

    @Override
    public boolean probeWritable() {
        try {
            db.update("INSERT INTO meta (key, value) VALUES ('ready_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    Long.toString(System.currentTimeMillis()));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The pool closes with the job layer ({@link Jobs} closes it last); the bus is closed by Jobs too. */
    @Override
    public void close() {
    }
}
