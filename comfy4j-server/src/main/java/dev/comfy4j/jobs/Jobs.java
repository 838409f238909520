package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job layer assembled, and the one facade the routes talk to: the queue, the history, the worker
 * list, interrupts that reach the worker running a prompt wherever it is, and this server's own
 * worker (none on an {@code --role api} server). {@link #local} builds it for one process (memory or
 * SQLite); the PostgreSQL store builds it for several servers sharing one database.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

    private final JobStore store;
    private final JobQueue queue;
    private final HistoryStore history;
    private final WorkerRegistry workers;
    private final EventBus bus;
    private final Worker worker;
    private final AutoCloseable resources;

    /**
     * @param store webhooks and the readiness probe
     * @param worker this server's worker, or null when it runs no prompts
     * @param resources closed last (the connection pool of a shared store)
     */
    public Jobs(JobStore store, JobQueue queue, HistoryStore history, WorkerRegistry workers, EventBus bus,
                Worker worker, AutoCloseable resources) {
        this.store = store;
        this.queue = queue;
        this.history = history;
        this.workers = workers;
        this.bus = bus;
        this.worker = worker;
        this.resources = resources;
        bus.subscribe(message -> {
            if (EventBus.INTERRUPT.equals(message.path("topic").asText()) && this.worker != null) {
                this.worker.interrupt(message.path("prompt_id").isTextual() ? message.get("prompt_id").asText() : null);
            }
        });
    }

    /**
     * One process on its own store. On start it restores what the store kept: pending prompts run
     * again, and a prompt that was running when the process died is recorded in history as interrupted.
     *
     * @param database the SQLite file, or null for memory only
     */
    public static Jobs local(Path database, Engine engine, JobEvents events, EventBus bus) {
        JobStore store = database == null ? new MemoryJobStore() : new SqliteJobStore(database);
        History history = new History(store);
        List<QueueItem> pending = new ArrayList<>();
        for (JobStore.StoredItem stored : store.loadQueue()) {
            if (stored.running()) {
                LOG.warn("Prompt {} was running when comfy4j stopped; recording it as interrupted",
                        stored.item().promptId());
                history.put(stored.item().promptId(),
                        HistoryEntries.abandoned(stored.item(), System.currentTimeMillis()));
                store.removeItem(stored.item().sequence());
            } else {
                pending.add(stored.item());
            }
        }
        if (!pending.isEmpty()) LOG.info("Restored {} pending prompt(s) from {}", pending.size(), database);
        PromptQueue queue = new PromptQueue(store, pending, history);
        queue.onChange(events::queueChanged);
        WorkerRegistry registry = new WorkerRegistry.Local();
        Worker worker = new Worker(queue, engine, events, registry, 10_000);
        return new Jobs(store, queue, history, registry, bus, worker, () -> { });
    }

    /** Starts this server's worker (if it has one) under {@code identity}. */
    public Jobs start(WorkerInfo identity) {
        if (worker != null) worker.start(identity);
        return this;
    }

    public JobQueue queue() {
        return queue;
    }

    public HistoryStore history() {
        return history;
    }

    /** This server's worker; empty on an {@code --role api} server. */
    public Optional<Worker> worker() {
        return Optional.ofNullable(worker);
    }

    /** Whether this server's worker runs (true for a server that has none to run). */
    public boolean workerAlive() {
        return worker == null || worker.isAlive();
    }

    /** The live servers of the store and what they run. */
    public List<WorkerInfo> workers() {
        return workers.live();
    }

    /** Messages to every server of the store. */
    public EventBus bus() {
        return bus;
    }

    /** The store behind queue and history (readiness probes, webhooks). */
    public JobStore store() {
        return store;
    }

    /**
     * {@code POST /interrupt}: the worker that runs {@code promptId} stops it, on whichever server it
     * runs; without an id every worker of the store stops its prompt.
     */
    public void interrupt(String promptId) {
        ObjectNode message = Json.object();
        message.put("topic", EventBus.INTERRUPT);
        if (promptId == null || promptId.isEmpty()) message.putNull("prompt_id");
        else message.put("prompt_id", promptId);
        bus.publish(message);
    }

    /** {@code POST /free}: models live in each process, so this server's worker only. */
    public void requestFree(boolean unload, boolean free) {
        if (worker != null) worker.requestFree(unload, free);
    }

    @Override
    public void close() {
        try {
            if (worker != null) worker.close();
        } finally {
            try {
                bus.close();
            } finally {
                try {
                    store.close();
                } finally {
                    try {
                        resources.close();
                    } catch (Exception e) {
                        LOG.warn("Closing the job store: {}", e.toString());
                    }
                }
            }
        }
    }
}
