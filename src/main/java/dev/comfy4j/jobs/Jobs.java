package dev.comfy4j.jobs;

import dev.comfy4j.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job layer assembled: store, queue, history and worker. On start it restores what the store
 * kept: pending prompts run again, and a prompt that was running when the process died is recorded
 * in history as interrupted.
 */
public final class Jobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

    private final JobStore store;
    private final PromptQueue queue;
    private final History history;
    private final Worker worker;

    /** @param database the SQLite file, or null for memory only */
    public Jobs(Path database, Engine engine, JobEvents events) {
        this.store = database == null ? new MemoryJobStore() : new SqliteJobStore(database);
        this.history = new History(store);
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
        this.queue = new PromptQueue(store, pending);
        queue.onChange(events::queueChanged);
        this.worker = new Worker(queue, history, engine, events);
    }

    public Jobs start() {
        worker.start();
        return this;
    }

    public PromptQueue queue() {
        return queue;
    }

    public History history() {
        return history;
    }

    public Worker worker() {
        return worker;
    }

    /** The store behind queue and history (readiness probes, webhooks). */
    public JobStore store() {
        return store;
    }

    @Override
    public void close() {
        worker.close();
        store.close();
    }
}
