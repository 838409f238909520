package dev.comfy4j.jobs.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.jobs.EventBus;
import dev.comfy4j.jobs.JobQueue;
import dev.comfy4j.jobs.QueueItem;
import dev.comfy4j.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue several servers share. Claims take the first row in ComfyUI's order that is pending or
 * whose lease ran out, with {@code FOR UPDATE SKIP LOCKED}, so concurrent workers never get the same
 * row and never wait for each other. A claim of a row whose worker stopped heart-beating records that
 * attempt's error; the history entry of the prompt, written once when it completes, starts with it.
 * Every change is announced on the bus, and each server runs its change listeners (status broadcasts)
 * when the announcement arrives.
 */
public final class PostgresJobQueue implements JobQueue {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresJobQueue.class);
    private static final String COLUMNS = "sequence, prompt_id, number_json, prompt, extra_data, outputs";
    private static final String RUN_ORDER = "number_value, prompt_id COLLATE \"C\", sequence";

    private final PostgresDatabase db;
    private final EventBus bus;
    private final long leaseMillis;
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final Object arrivals = new Object();

    PostgresJobQueue(PostgresDatabase db, EventBus bus, long leaseMillis) {
        this.db = db;
        this.bus = bus;
        this.leaseMillis = leaseMillis;
        bus.subscribe(message -> {
            if (!EventBus.QUEUE_CHANGED.equals(message.path("topic").asText())) return;
            changeListeners.forEach(Runnable::run);
            synchronized (arrivals) {
                arrivals.notifyAll();
            }
        });
    }

    @Override
    public JsonNode nextNumber(boolean front) {
        long counter = db.query("SELECT nextval('prompt_counter')", r -> r.getLong(1)).getFirst();
        return LongNode.valueOf(front ? -counter : counter);
    }

    @Override
    public long nextSequence() {
        return db.query("SELECT nextval('queue_sequence')", r -> r.getLong(1)).getFirst();
    }

    @Override
    public void put(QueueItem item) {
        LOG.info("got prompt {}", item.promptId());
        db.update("INSERT INTO queue (sequence, prompt_id, number_value, number_json, prompt, extra_data, outputs)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                item.sequence(), item.promptId(), item.number().decimalValue(), Json.write(item.number()),
                Json.write(item.prompt()), Json.write(item.publicExtraData()),
                Json.write(Json.MAPPER.valueToTree(item.outputsToExecute())));
        changed();
    }

    @Override
    public Optional<Claim> claim(String workerId, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            Optional<Claim> claim = claimNow(workerId);
            if (claim.isPresent()) {
                changed();
                return claim;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) return Optional.empty();
            synchronized (arrivals) {
                TimeUnit.NANOSECONDS.timedWait(arrivals, left);
            }
        }
    }

    /**
     * One statement: lock the first claimable row (skipping rows other workers are locking right now),
     * give it to this worker, and, when its lease had run out, append the lost attempt to its record.
     */
    private Optional<Claim> claimNow(String workerId) {
        List<Claim> claimed = db.query("""
                WITH next AS (
                    SELECT sequence FROM queue
                    WHERE worker_id IS NULL OR lease_until < now()
                    ORDER BY %s
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                UPDATE queue q SET
                    earlier_attempts = CASE WHEN q.worker_id IS NULL THEN q.earlier_attempts
                        ELSE q.earlier_attempts || jsonb_build_array(jsonb_build_array('execution_error', jsonb_build_object(
                            'prompt_id', q.prompt_id, 'node_id', NULL, 'node_type', NULL, 'executed', '[]'::jsonb,
                            'exception_message', 'Attempt ' || q.attempts || ' on worker ' || q.worker_id
                                || ' was lost: the worker stopped heart-beating and its lease ran out at '
                                || q.lease_until || '; the prompt was run again.' || chr(10),
                            'exception_type', 'WorkerLost', 'traceback', '[]'::jsonb,
                            'current_inputs', '{}'::jsonb, 'current_outputs', '[]'::jsonb,
                            'timestamp', (extract(epoch FROM now()) * 1000)::bigint))) END,
                    worker_id = ?,
                    claimed_at = now(),
                    lease_until = now() + ? * interval '1 millisecond',
                    attempts = q.attempts + 1
                FROM next WHERE q.sequence = next.sequence
                RETURNING q.sequence, q.prompt_id, q.number_json, q.prompt, q.extra_data, q.outputs, q.earlier_attempts::text
                """.formatted(RUN_ORDER), r -> {
                    QueueItem item = item(r);
                    ArrayNode earlier = (ArrayNode) StoredJson.parse(r.getString(7));
                    return new Claim(item, item.toTuple().deepCopy(), workerId, earlier);
                }, workerId, leaseMillis);
        if (!claimed.isEmpty() && !claimed.getFirst().earlierAttempts().isEmpty()) {
            LOG.warn("Prompt {} lost its worker; running it again here", claimed.getFirst().item().promptId());
        }
        return claimed.stream().findFirst();
    }

    @Override
    public void heartbeat(String workerId) {
        db.update("UPDATE queue SET lease_until = now() + ? * interval '1 millisecond' WHERE worker_id = ?",
                leaseMillis, workerId);
    }

    @Override
    public boolean complete(Claim claim, ObjectNode historyEntry) {
        String entry = Json.write(historyEntry);
        return db.inTransaction(c -> {
            int removed = PostgresDatabase.update(c, "DELETE FROM queue WHERE sequence = ? AND worker_id = ?",
                    claim.item().sequence(), claim.workerId());
            if (removed == 0) return false; // the lease ran out and another worker has the prompt now
            PostgresHistory.put(c, claim.item().promptId(), entry);
            return true;
        });
    }

    @Override
    public void wake() {
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    @Override
    public int remaining() {
        return db.query("SELECT count(*) FROM queue", r -> r.getInt(1)).getFirst();
    }

    @Override
    public List<QueueItem> running() {
        return db.query("SELECT " + COLUMNS + " FROM queue WHERE worker_id IS NOT NULL ORDER BY claimed_at, sequence",
                PostgresJobQueue::item);
    }

    @Override
    public List<ArrayNode> runningTuples() {
        return running().stream().map(QueueItem::toTuple).toList();
    }

    @Override
    public List<QueueItem> pending() {
        return db.query("SELECT " + COLUMNS + " FROM queue WHERE worker_id IS NULL ORDER BY " + RUN_ORDER,
                PostgresJobQueue::item);
    }

    @Override
    public void clearPending() {
        db.update("DELETE FROM queue WHERE worker_id IS NULL");
        changed();
    }

    @Override
    public boolean deletePending(String promptId) {
        return deletePendingWhere(i -> i.promptId().equals(promptId), false) > 0;
    }

    @Override
    public int deletePendingWhere(Predicate<QueueItem> which, boolean all) {
        int removed = 0;
        for (QueueItem item : pending()) {
            if (!which.test(item)) continue;
            // still pending? a worker may have claimed it since it was read
            removed += db.update("DELETE FROM queue WHERE sequence = ? AND worker_id IS NULL", item.sequence());
            if (!all && removed > 0) break;
        }
        if (removed > 0) changed();
        return removed;
    }

    @Override
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /** Announces a change to every server, this one included (its listeners run when the message arrives). */
    @Override
    public void changed() {
        ObjectNode message = Json.object();
        message.put("topic", EventBus.QUEUE_CHANGED);
        bus.publish(message);
    }

    private static QueueItem item(ResultSet r) throws SQLException {
        List<String> outputs = new ArrayList<>();
        StoredJson.parse(r.getString(6)).forEach(o -> outputs.add(o.asText()));
        return new QueueItem(StoredJson.parse(r.getString(3)), r.getString(2), (ObjectNode) StoredJson.parse(r.getString(4)),
                (ObjectNode) StoredJson.parse(r.getString(5)), outputs, r.getLong(1));
    }
}
