package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * ComfyUI's prompt queue as workers see it: prompts are submitted, claimed by one worker at a time
 * under a lease that the worker's heartbeat keeps, and completed together with their history entry.
 * Order is ComfyUI's: number, then prompt id (then arrival). Implementations: {@link PromptQueue}
 * (one process, memory or SQLite) and the PostgreSQL queue shared by several servers. Thread-safe.
 */
public interface JobQueue {
    /**
     * The number of a prompt that brings none: the counter, negated for {@code front}. ComfyUI takes it
     * before validation, so a rejected prompt still uses up a value.
     */
    JsonNode nextNumber(boolean front);

    /** The arrival order of the next submitted item. */
    long nextSequence();

    /** Submits a prompt; it is pending until a worker claims it. */
    void put(QueueItem item);

    /**
     * Waits up to {@code timeout} for the next pending prompt (or one whose worker's lease ran out)
     * and gives it to {@code workerId}; empty when none came.
     */
    Optional<Claim> claim(String workerId, long timeout, TimeUnit unit) throws InterruptedException;

    /** Keeps the leases of everything {@code workerId} holds. */
    void heartbeat(String workerId);

    /**
     * The claimed prompt is done: its history entry is written and it leaves the queue, at once. False
     * (and nothing written) when the claim was lost meanwhile: another worker runs the prompt again.
     */
    boolean complete(Claim claim, ObjectNode historyEntry);

    /** Wakes local workers waiting in {@link #claim} so they can do housekeeping. */
    void wake();

    /** Pending plus running prompts, on every server of the store. */
    int remaining();

    /** The running prompts, on every server of the store, oldest claim first. */
    List<QueueItem> running();

    /** The running items' tuples as they were when they were claimed, for {@code GET /queue}. */
    List<ArrayNode> runningTuples();

    /** Pending items in run order (ComfyUI shows heap order; sorted is a compatible superset). */
    List<QueueItem> pending();

    void clearPending();

    /** Removes the first pending item with this prompt id (in run order); false when there is none. */
    boolean deletePending(String promptId);

    /**
     * Removes the first pending item (in run order) that {@code which} accepts, or every one of them
     * with {@code all}; returns how many were removed.
     */
    int deletePendingWhere(Predicate<QueueItem> which, boolean all);

    /** Called after every change of the queue (on a shared store: of any server's). */
    void onChange(Runnable listener);

    /** Tells the listeners that the queue changed. */
    void changed();

    /**
     * A prompt given to a worker.
     *
     * @param dequeued the tuple as it was claimed; history shows this, not the engine's annotated prompt
     * @param earlierAttempts {@code status.messages} pairs about attempts that lost their worker
     *     (empty on a first attempt); they lead the history entry's messages
     */
    record Claim(QueueItem item, ArrayNode dequeued, String workerId, ArrayNode earlierAttempts) {}
}
