package dev.comfy4j.jobs;

import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.ExecutionOutcome;
import dev.comfy4j.json.Json;
import dev.comfy4j.logging.LogContext;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single worker thread of ComfyUI's main loop (API spec §8.3): claim the next prompt, run it,
 * complete it with its history entry, announce the end, then apply pending {@code /free} requests.
 * A heartbeat thread keeps the lease of the claimed prompt and this server's entry in the worker list.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final JobQueue queue;
    private final Engine engine;
    private final JobEvents events;
    private final WorkerRegistry registry;
    private final long heartbeatMillis;
    private final AtomicBoolean unloadModels = new AtomicBoolean();
    private final AtomicBoolean freeMemory = new AtomicBoolean();
    private final Thread thread;
    private final Thread heartbeat;
    private volatile WorkerInfo identity;
    private volatile JobQueue.Claim current;
    /** True from before a claim until its prompt is {@link #current}: a drain must wait for that one too. */
    private volatile boolean claiming;
    private volatile boolean started;
    private volatile boolean stopping;
    private volatile boolean takingStopped;

    /** @param heartbeatMillis how often the lease and the worker list are refreshed (a third of the lease) */
    public Worker(JobQueue queue, Engine engine, JobEvents events, WorkerRegistry registry, long heartbeatMillis) {
        this.queue = queue;
        this.engine = engine;
        this.events = events;
        this.registry = registry;
        this.heartbeatMillis = heartbeatMillis;
        this.thread = Thread.ofPlatform().name("prompt-worker").daemon(true).unstarted(this::loop);
        this.heartbeat = Thread.ofPlatform().name("worker-heartbeat").daemon(true).unstarted(this::beatLoop);
    }

    /** @param identity this server in the worker list; its id names the claims */
    public Worker start(WorkerInfo identity) {
        this.identity = identity;
        started = true;
        beat();
        thread.start();
        heartbeat.start();
        return this;
    }

    /** Whether the worker thread is running and not stopping (for {@code /readyz}). */
    public boolean isAlive() {
        return thread.isAlive() && !stopping;
    }

    /** This worker's id in the worker list and in its claims. */
    public String id() {
        WorkerInfo i = identity;
        return i == null ? null : i.id();
    }

    /** The prompt this worker runs now, if any. */
    public Optional<QueueItem> current() {
        JobQueue.Claim c = current;
        return c == null ? Optional.empty() : Optional.of(c.item());
    }

    private void beatLoop() {
        while (!stopping) {
            try {
                Thread.sleep(heartbeatMillis);
                beat();
            } catch (InterruptedException e) {
                if (stopping) return;
            } catch (Throwable e) {
                // a database hiccup: the next beat tries again; a lease outlives a few missed beats
                logQuietly("Heartbeat failed", e);
            }
        }
    }

    private void beat() {
        queue.heartbeat(identity.id());
        JobQueue.Claim c = current;
        identity = identity.running(c == null ? null : c.item().promptId(), System.currentTimeMillis());
        registry.beat(identity);
    }

    /**
     * Takes no more prompts (a graceful shutdown): the running one goes on, the pending ones stay in
     * the queue and its store for the next start.
     */
    public void stopTaking() {
        takingStopped = true;
        queue.wake();
    }

    /** Waits until no prompt runs; false when one still runs after {@code timeoutMillis}. */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (claiming || current != null) {
            if (System.currentTimeMillis() >= deadline) return false;
            Thread.sleep(20);
        }
        return true;
    }

    /** {@code POST /free}: applied between prompts; an idle worker is woken at once. */
    public void requestFree(boolean unload, boolean free) {
        if (unload) unloadModels.set(true);
        if (free) freeMemory.set(true);
        queue.wake();
    }

    /** {@code POST /interrupt}: stops the running prompt, if any (or only the one with this id). */
    public void interrupt(String promptId) {
        Optional<QueueItem> running = current();
        if (promptId == null || promptId.isEmpty()) {
            engine.interrupt();
        } else if (running.isPresent() && running.get().promptId().equals(promptId)) {
            engine.interrupt();
        } else {
            LOG.debug("Prompt {} is not running here; nothing to interrupt", promptId);
        }
    }

    private void loop() {
        while (!stopping) {
            try {
                claiming = true; // before the check: a drain that starts now waits for this claim
                if (takingStopped) {
                    claiming = false;
                    housekeeping();
                    Thread.sleep(50);
                    continue;
                }
                Optional<JobQueue.Claim> next;
                try {
                    next = queue.claim(identity.id(), 200, TimeUnit.MILLISECONDS);
                    next.ifPresent(c -> current = c);
                } finally {
                    claiming = false;
                }
                // A /free that came before this prompt applies before it runs, not after.
                housekeeping();
                if (next.isPresent()) {
                    try {
                        beatQuietly(); // the worker list shows the prompt at once
                        run(next.get());
                    } finally {
                        current = null;
                    }
                    beatQuietly();
                    housekeeping();
                }
            } catch (InterruptedException e) {
                if (stopping) return;
            } catch (Throwable e) {
                // Whatever happens (even an OutOfMemoryError while recording), the worker goes on.
                logQuietly("Worker error", e);
            }
        }
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (Throwable e) {
            logQuietly("Heartbeat failed", e);
        }
    }

    /** Runs one prompt; every line logged meanwhile on this thread carries its id and user (--log-format json). */
    private void run(JobQueue.Claim claim) {
        try (var logContext = LogContext.open(claim.item().promptId(), owner(claim.item()))) {
            runPrompt(claim);
        }
    }

    private void runPrompt(JobQueue.Claim claim) {
        QueueItem item = claim.item();
        String clientId = item.clientId();
        long started = System.nanoTime();
        StatusRecorder recorder = null;
        boolean success = false;
        var outputs = Json.object();
        var meta = Json.object();
        Throwable crash = null;
        // History shows the prompt as dequeued, before the engine annotates it (is_changed), as ComfyUI.
        var dequeued = claim.dequeued();
        try {
            recorder = new StatusRecorder(events.promptListener(item.promptId(), clientId));
            ExecutionOutcome outcome = engine.execute(item.promptId(), item.prompt(), item.extraData(),
                    item.outputsToExecute(), recorder);
            success = outcome.success();
            outputs = outcome.outputs();
            meta = outcome.meta();
        } catch (Throwable e) {
            // The engine reports node failures itself; this is a failure of the engine around them
            // (even an OutOfMemoryError, or a checked exception thrown sneakily): the prompt ends with
            // an error and the worker goes on.
            crash = e;
            logQuietly("Prompt " + item.promptId() + " failed outside any node", e);
            if (recorder != null) recordCrash(recorder, item.promptId(), e);
        }
        try {
            var messages = claim.earlierAttempts().deepCopy();
            messages.addAll(recorder != null ? recorder.messages() : crashMessages(item.promptId(), crash));
            if (!queue.complete(claim, HistoryEntries.entry(dequeued, outputs, success, messages, meta))) {
                LOG.warn("Prompt {} lost its lease while it ran; another worker runs it again", item.promptId());
            }
        } catch (Throwable e) {
            logQuietly("Prompt " + item.promptId() + ": recording its history failed", e);
            recordMinimal(claim, e);
        } finally {
            queue.changed();
            events.promptFinished(item.promptId(), clientId);
        }
        logOutcome(item.promptId(), recorder, success, crash, System.nanoTime() - started);
    }

    /** ComfyUI prints "Prompt executed in 1.23 seconds"; a failure says what failed. */
    /** The prompt's owner, as the authentication layer records it in extra_data (null without auth). */
    private static String owner(QueueItem item) {
        var owner = item.extraData() == null ? null : item.extraData().get("comfy4j_user");
        return owner != null && owner.isTextual() ? owner.asText() : null;
    }

    private static void logOutcome(String promptId, StatusRecorder recorder, boolean success, Throwable crash, long nanos) {
        String seconds = String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e9);
        if (success) {
            LOG.info("Prompt executed in {} seconds", seconds);
            return;
        }
        if (crash != null) {
            LOG.warn("Prompt {} failed after {} seconds: {}", promptId, seconds, describe(crash));
            return;
        }
        var last = recorder == null ? null : recorder.lastFinalEvent();
        if (last != null && last.type().equals("execution_interrupted")) {
            LOG.info("Prompt {} interrupted after {} seconds", promptId, seconds);
        } else if (last != null && last.type().equals("execution_error")) {
            var d = last.data();
            LOG.warn("Prompt {} failed after {} seconds: node {} ({}): {}: {}", promptId, seconds,
                    d.path("node_id").asText("?"), d.path("node_type").asText("?"),
                    d.path("exception_type").asText(""), d.path("exception_message").asText("").strip());
        } else {
            LOG.warn("Prompt {} failed after {} seconds", promptId, seconds);
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Logs without letting a failure to log (no memory left) escape. */
    private static void logQuietly(String message, Throwable e) {
        try {
            LOG.error(message, e);
        } catch (Throwable ignored) {
            // nothing more can be done
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode crashEvent(String promptId, Throwable e) {
        var data = Json.object();
        data.put("prompt_id", promptId);
        data.putNull("node_id");
        data.putNull("node_type");
        data.putArray("executed");
        data.put("exception_message", String.valueOf(e == null ? null : e.getMessage()) + "\n");
        data.put("exception_type", e == null ? "RuntimeError" : e.getClass().getSimpleName());
        data.putArray("traceback");
        data.putObject("current_inputs");
        data.putArray("current_outputs");
        data.put("timestamp", System.currentTimeMillis());
        return data;
    }

    private static void recordCrash(StatusRecorder recorder, String promptId, Throwable e) {
        try {
            recorder.event("execution_error", crashEvent(promptId, e));
        } catch (Throwable ignored) {
            // the history entry below still records the failure
        }
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode crashMessages(String promptId, Throwable e) {
        var messages = Json.array();
        var pair = messages.addArray();
        pair.add("execution_error");
        pair.add(crashEvent(promptId, e));
        return messages;
    }

    /** The smallest history entry that still says the prompt failed and why. */
    private void recordMinimal(JobQueue.Claim claim, Throwable e) {
        QueueItem item = claim.item();
        try {
            queue.complete(claim, HistoryEntries.entry(item.toTuple(), Json.object(), false,
                    crashMessages(item.promptId(), e), Json.object()));
        } catch (Throwable ignored) {
            // the store itself is failing; on a shared store the lease runs out and another worker retries
            if (queue instanceof PromptQueue local) local.finish(item);
        }
    }

    private void housekeeping() {
        boolean free = freeMemory.getAndSet(false);
        boolean unload = unloadModels.getAndSet(false);
        if (free) engine.clearCaches();
        if (unload) engine.unloadModels(); // the route already applied "free_memory implies unload_models"
    }

    @Override
    public void close() {
        stopping = true;
        engine.interrupt();
        thread.interrupt();
        heartbeat.interrupt();
        try {
            thread.join(5000);
            heartbeat.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (started) {
            try {
                registry.leave(identity.id());
            } catch (Throwable e) {
                logQuietly("Leaving the worker list failed", e);
            }
        }
    }
}
