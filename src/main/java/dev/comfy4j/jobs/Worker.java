package dev.comfy4j.jobs;

import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.ExecutionOutcome;
import dev.comfy4j.json.Json;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single worker thread of ComfyUI's main loop (API spec §8.3): take the next prompt, run it,
 * record history, announce the end, then apply pending {@code /free} requests.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final PromptQueue queue;
    private final History history;
    private final Engine engine;
    private final JobEvents events;
    private final AtomicBoolean unloadModels = new AtomicBoolean();
    private final AtomicBoolean freeMemory = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean takingStopped;

    public Worker(PromptQueue queue, History history, Engine engine, JobEvents events) {
        this.queue = queue;
        this.history = history;
        this.engine = engine;
        this.events = events;
        this.thread = Thread.ofPlatform().name("prompt-worker").daemon(true).unstarted(this::loop);
    }

    public Worker start() {
        thread.start();
        return this;
    }

    /** Whether the worker thread is running and not stopping (for {@code /readyz}). */
    public boolean isAlive() {
        return thread.isAlive() && !stopping;
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
        while (queue.running().isPresent()) {
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
        Optional<QueueItem> running = queue.running();
        if (promptId == null || promptId.isEmpty()) {
            engine.interrupt();
        } else if (running.isPresent() && running.get().promptId().equals(promptId)) {
            engine.interrupt();
        } else {
            LOG.info("Prompt {} is not running; nothing to interrupt", promptId);
        }
    }

    private void loop() {
        while (!stopping) {
            try {
                if (takingStopped) {
                    housekeeping();
                    Thread.sleep(50);
                    continue;
                }
                Optional<QueueItem> next = queue.take(200, TimeUnit.MILLISECONDS);
                // A /free that came before this prompt applies before it runs, not after.
                housekeeping();
                if (next.isPresent()) {
                    run(next.get());
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

    private void run(QueueItem item) {
        String clientId = item.clientId();
        long started = System.nanoTime();
        StatusRecorder recorder = null;
        boolean success = false;
        var outputs = Json.object();
        var meta = Json.object();
        Throwable crash = null;
        // History shows the prompt as dequeued, before the engine annotates it (is_changed), as ComfyUI.
        var dequeued = queue.runningTuple().orElseGet(() -> item.toTuple().deepCopy());
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
            var messages = recorder != null ? recorder.messages() : crashMessages(item.promptId(), crash);
            history.put(item.promptId(), HistoryEntries.entry(dequeued, outputs, success, messages, meta));
        } catch (Throwable e) {
            logQuietly("Prompt " + item.promptId() + ": recording its history failed", e);
            recordMinimal(item, e);
        } finally {
            queue.finish(item);
            queue.changed();
            events.promptFinished(item.promptId(), clientId);
        }
        logOutcome(item.promptId(), recorder, success, crash, System.nanoTime() - started);
    }

    /** ComfyUI prints "Prompt executed in 1.23 seconds"; a failure says what failed. */
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
    private void recordMinimal(QueueItem item, Throwable e) {
        try {
            history.put(item.promptId(), HistoryEntries.entry(item.toTuple(), Json.object(), false,
                    crashMessages(item.promptId(), e), Json.object()));
        } catch (Throwable ignored) {
            // the store itself is failing; the queue still moves on
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
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
