package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Queue and history in an embedded SQLite file (WAL mode, one connection guarded by this object).
 * Every change is committed before the call returns, so a crash loses nothing that was answered.
 * One server owns the file at a time (a lock file beside it): two workers on one queue would run
 * every prompt twice.
 */
public final class SqliteJobStore implements JobStore {
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Connection db;

    public SqliteJobStore(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            lockChannel = FileChannel.open(Path.of(file.toAbsolutePath() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = tryLock(lockChannel);
            if (lock == null) {
                lockChannel.close();
                throw new IllegalStateException("Another comfy4j server is using the job database " + file
                        + "; give this one its own --database or --base-directory");
            }
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS queue (sequence INTEGER PRIMARY KEY, prompt_id TEXT NOT NULL,"
                        + " number TEXT NOT NULL, prompt TEXT NOT NULL, extra_data TEXT NOT NULL,"
                        + " outputs TEXT NOT NULL, running INTEGER NOT NULL DEFAULT 0)");
                s.execute("CREATE TABLE IF NOT EXISTS history (position INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " prompt_id TEXT NOT NULL UNIQUE, entry TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS webhooks (id INTEGER PRIMARY KEY AUTOINCREMENT, prompt_id TEXT NOT NULL,"
                        + " url TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                        + " next_attempt INTEGER NOT NULL)");
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot open the job database " + file + ": " + e.getMessage(), e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws java.io.IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very process (another store on the same file)
        }
    }

    @Override
    public synchronized List<StoredItem> loadQueue() {
        List<StoredItem> items = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT sequence, prompt_id, number, prompt, extra_data, outputs, running"
                     + " FROM queue ORDER BY sequence")) {
            while (r.next()) {
                List<String> outputs = new ArrayList<>();
                Json.parse(r.getString(6)).forEach(o -> outputs.add(o.asText()));
                QueueItem item = new QueueItem(Json.parse(r.getString(3)), r.getString(2),
                        (ObjectNode) Json.parse(r.getString(4)), (ObjectNode) Json.parse(r.getString(5)), outputs,
                        r.getLong(1));
                items.add(new StoredItem(item, r.getInt(7) != 0));
            }
            return items;
        } catch (Exception e) {
            throw failure("read the queue", e);
        }
    }

    @Override
    public synchronized void addPending(QueueItem item) {
        update("INSERT OR REPLACE INTO queue (sequence, prompt_id, number, prompt, extra_data, outputs, running)"
                        + " VALUES (?, ?, ?, ?, ?, ?, 0)",
                item.sequence(), item.promptId(), Json.write(item.number()), Json.write(item.prompt()),
                Json.write(item.publicExtraData()), Json.write(Json.MAPPER.valueToTree(item.outputsToExecute())));
    }

    @Override
    public synchronized void markRunning(long sequence) {
        update("UPDATE queue SET running = 1 WHERE sequence = ?", sequence);
    }

    @Override
    public synchronized void removeItem(long sequence) {
        update("DELETE FROM queue WHERE sequence = ?", sequence);
    }

    @Override
    public synchronized void clearPending() {
        update("DELETE FROM queue WHERE running = 0");
    }

    @Override
    public synchronized Map<String, ObjectNode> loadHistory() {
        Map<String, ObjectNode> entries = new LinkedHashMap<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT prompt_id, entry FROM history ORDER BY position")) {
            while (r.next()) entries.put(r.getString(1), (ObjectNode) Json.parse(r.getString(2)));
            return entries;
        } catch (Exception e) {
            throw failure("read the history", e);
        }
    }

    @Override
    public synchronized void putHistory(String promptId, ObjectNode entry) {
        // ON CONFLICT keeps the row, and so its position: a re-used prompt id is replaced in place.
        update("INSERT INTO history (prompt_id, entry) VALUES (?, ?)"
                + " ON CONFLICT(prompt_id) DO UPDATE SET entry = excluded.entry", promptId, Json.write(entry));
    }

    @Override
    public synchronized void deleteHistory(List<String> promptIds) {
        for (String id : promptIds) update("DELETE FROM history WHERE prompt_id = ?", id);
    }

    @Override
    public synchronized void clearHistory() {
        update("DELETE FROM history");
    }

    @Override
    public synchronized long loadCounter() {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM meta WHERE key = 'counter'");
             ResultSet r = p.executeQuery()) {
            return r.next() ? Long.parseLong(r.getString(1)) : 0;
        } catch (SQLException e) {
            throw failure("read the queue counter", e);
        }
    }

    @Override
    public synchronized void saveCounter(long next) {
        update("INSERT INTO meta (key, value) VALUES ('counter', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                Long.toString(next));
    }

    @Override
    public synchronized long addWebhook(String promptId, String url, String body, long nextAttemptMillis) {
        try (PreparedStatement p = db.prepareStatement(
                "INSERT INTO webhooks (prompt_id, url, body, next_attempt) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            p.setString(1, promptId);
            p.setString(2, url);
            p.setString(3, body);
            p.setLong(4, nextAttemptMillis);
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("store a webhook", e);
        }
    }

    @Override
    public synchronized List<Webhook> dueWebhooks(long nowMillis, int limit) {
        List<Webhook> due = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT id, prompt_id, url, body, attempts, next_attempt FROM webhooks"
                + " WHERE next_attempt <= ? ORDER BY id LIMIT ?")) {
            p.setLong(1, nowMillis);
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    due.add(new Webhook(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5), r.getLong(6)));
                }
            }
            return due;
        } catch (SQLException e) {
            throw failure("read webhooks", e);
        }
    }

    @Override
    public synchronized void rescheduleWebhook(long id, int attempts, long nextAttemptMillis) {
        update("UPDATE webhooks SET attempts = ?, next_attempt = ? WHERE id = ?", attempts, nextAttemptMillis, id);
    }

    @Override
    public synchronized void removeWebhook(long id) {
        update("DELETE FROM webhooks WHERE id = ?", id);
    }

    @Override
    public synchronized boolean probeWritable() {
        try {
            update("INSERT INTO meta (key, value) VALUES ('ready_probe', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    Long.toString(System.currentTimeMillis()));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) p.setObject(i + 1, args[i]);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure("write", e);
        }
    }

    private IllegalStateException failure(String what, Exception e) {
        return new IllegalStateException("Job database " + file + ": cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing is best effort: every change was already committed
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (java.io.IOException ignored) {
            // the lock goes with the process anyway
        }
    }

}
