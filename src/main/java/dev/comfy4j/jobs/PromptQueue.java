package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * ComfyUI's prompt queue: a min-heap on (number, prompt_id) served by one worker, plus the item that
 * worker is running. Every change is written through to the {@link JobStore} and announced to the
 * listeners (the server broadcasts {@code status}). Thread-safe.
 */
public final class PromptQueue {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PromptQueue.class);
    private final JobStore store;
    private final PriorityQueue<QueueItem> pending = new PriorityQueue<>(QueueItem.ORDER);
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private QueueItem running;
    private ArrayNode runningTuple;
    private long counter;
    private long sequence;

    public PromptQueue(JobStore store, List<QueueItem> restoredPending) {
        this.store = store;
        this.counter = store.loadCounter();
        for (QueueItem item : restoredPending) {
            pending.add(item);
            sequence = Math.max(sequence, item.sequence());
        }
    }

    /** Called after every change of the queue. */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /**
     * The number of a prompt that brings none: the counter, negated for {@code front}. ComfyUI takes it
     * before validation, so a rejected prompt still uses up a value.
     */
    public synchronized JsonNode nextNumber(boolean front) {
        long value = front ? -counter : counter;
        counter++;
        store.saveCounter(counter);
        return LongNode.valueOf(value);
    }

    public synchronized long nextSequence() {
        return ++sequence;
    }

    public synchronized void put(QueueItem item) {
        LOG.info("got prompt {}", item.promptId());
        pending.add(item);
        store.addPending(item);
        changed();
        notifyAll();
    }

    /** Waits up to {@code timeout} for the next item and marks it running; empty when none came. */
    public synchronized Optional<QueueItem> take(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return Optional.empty();
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        QueueItem item = pending.poll();
        running = item;
        // A copy taken now, as ComfyUI does: the engine annotates the prompt while it runs.
        runningTuple = item.toTuple().deepCopy();
        store.markRunning(item.sequence());
        changed();
        return Optional.of(item);
    }

    /** The running item is done (its history entry is written); not announced, the worker does that. */
    public synchronized void finish(QueueItem item) {
        if (running == item) {
            running = null;
            runningTuple = null;
        }
        store.removeItem(item.sequence());
    }

    /** Wakes a worker waiting in {@link #take} so it can do housekeeping. */
    public synchronized void wake() {
        notifyAll();
    }

    public synchronized int remaining() {
        return pending.size() + (running == null ? 0 : 1);
    }

    public synchronized Optional<QueueItem> running() {
        return Optional.ofNullable(running);
    }

    /** The running item's tuple as it was when the worker took it, for {@code GET /queue}. */
    public synchronized Optional<ArrayNode> runningTuple() {
        return Optional.ofNullable(runningTuple);
    }

    /** Pending items in run order (ComfyUI shows heap order; sorted is a compatible superset). */
    public synchronized List<QueueItem> pending() {
        List<QueueItem> items = new ArrayList<>(pending);
        items.sort(QueueItem.ORDER);
        return items;
    }

    public synchronized void clearPending() {
        pending.clear();
        store.clearPending();
        changed();
    }

    /** Removes the first pending item with this prompt id (in run order); false when there is none. */
    public synchronized boolean deletePending(String promptId) {
        Optional<QueueItem> first = pending().stream().filter(i -> i.promptId().equals(promptId)).findFirst();
        if (first.isEmpty()) return false;
        pending.remove(first.get());
        store.removeItem(first.get().sequence());
        changed();
        return true;
    }

    /**
     * Removes the first pending item (in run order) that {@code which} accepts, or every one of them
     * with {@code all}; returns how many were removed.
     */
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
    public synchronized void changed() {
        changeListeners.forEach(Runnable::run);
    }
}
