package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * ComfyUI's prompt queue in one process: a min-heap on (number, prompt_id), plus the items workers
 * hold. Every change is written through to the {@link JobStore} (memory or SQLite) and announced to
 * the listeners (the server broadcasts {@code status}). A lease means nothing here: the workers live
 * and die with the queue; a prompt that was running when the process stopped is recorded as
 * interrupted at the next start ({@link Jobs}). Thread-safe.
 */
public final class PromptQueue implements JobQueue {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PromptQueue.class);
    /** The worker id of {@link #take}, the single-worker shorthand the tests and tools use. */
    static final String LOCAL_WORKER = "local";

    private final JobStore store;
    private final HistoryStore history;
    private final PriorityQueue<QueueItem> pending = new PriorityQueue<>(QueueItem.ORDER);
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    /** Claimed items by sequence, in claim order. */
    private final Map<Long, Claim> running = new LinkedHashMap<>();
    private long counter;
    private long sequence;

    public PromptQueue(JobStore store, List<QueueItem> restoredPending) {
        this(store, restoredPending, new History(store));
    }

    public PromptQueue(JobStore store, List<QueueItem> restoredPending, HistoryStore history) {
        this.store = store;
        this.history = history;
        this.counter = store.loadCounter();
        for (QueueItem item : restoredPending) {
            pending.add(item);
            sequence = Math.max(sequence, item.sequence());
        }
    }

    @Override
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    @Override
    public synchronized JsonNode nextNumber(boolean front) {
        long value = front ? -counter : counter;
        counter++;
        store.saveCounter(counter);
        return LongNode.valueOf(value);
    }

    @Override
    public synchronized long nextSequence() {
        return ++sequence;
    }

    @Override
    public synchronized void put(QueueItem item) {
        LOG.info("got prompt {}", item.promptId());
        pending.add(item);
        store.addPending(item);
        changed();
        notifyAll();
    }

    @Override
    public synchronized Optional<Claim> claim(String workerId, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return Optional.empty();
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        QueueItem item = pending.poll();
        // A copy taken now, as ComfyUI does: the engine annotates the prompt while it runs.
        Claim claim = new Claim(item, item.toTuple().deepCopy(), workerId, Json.array());
        running.put(item.sequence(), claim);
        store.markRunning(item.sequence());
        changed();
        return Optional.of(claim);
    }

    /** Single-worker shorthand: claims the next item for the local worker. */
    public Optional<QueueItem> take(long timeout, TimeUnit unit) throws InterruptedException {
        return claim(LOCAL_WORKER, timeout, unit).map(Claim::item);
    }

    @Override
    public void heartbeat(String workerId) {
        // one process: a worker cannot outlive its queue, so leases never run out
    }

    @Override
    public synchronized boolean complete(Claim claim, ObjectNode historyEntry) {
        if (!running.containsKey(claim.item().sequence())) return false;
        history.put(claim.item().promptId(), historyEntry);
        finish(claim.item());
        return true;
    }

    /** The running item leaves the queue without a history entry (the caller wrote one, or gives up). */
    public synchronized void finish(QueueItem item) {
        running.remove(item.sequence());
        store.removeItem(item.sequence());
    }

    @Override
    public synchronized void wake() {
        notifyAll();
    }

    @Override
    public synchronized int remaining() {
        return pending.size() + running.size();
    }

    @Override
    public synchronized List<QueueItem> running() {
        return running.values().stream().map(Claim::item).toList();
    }

    @Override
    public synchronized List<ArrayNode> runningTuples() {
        return running.values().stream().map(Claim::dequeued).toList();
    }

    @Override
    public synchronized List<QueueItem> pending() {
        List<QueueItem> items = new ArrayList<>(pending);
        items.sort(QueueItem.ORDER);
        return items;
    }

    @Override
    public synchronized void clearPending() {
        pending.clear();
        store.clearPending();
        changed();
    }

    @Override
    public synchronized boolean deletePending(String promptId) {
        return deletePendingWhere(i -> i.promptId().equals(promptId), false) > 0;
    }

    @Override
    public synchronized int deletePendingWhere(Predicate<QueueItem> which, boolean all) {
        int removed = 0;
        for (QueueItem item : pending()) {
            if (!which.test(item)) continue;
            pending.remove(item);
            store.removeItem(item.sequence());
            removed++;
            if (!all) break;
        }
        if (removed > 0) changed();
        return removed;
    }

    /**
     * Tells the listeners, under the queue's lock: the announcement of a change is queued before
     * anything that follows from it (the worker's next events), so clients see them in order.
     * Listeners must only hand the news on, never block.
     */
    @Override
    public synchronized void changed() {
        changeListeners.forEach(Runnable::run);
    }
}
