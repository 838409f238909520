package dev.comfy4j.jobs.postgres;

import dev.comfy4j.jobs.WorkerInfo;
import dev.comfy4j.jobs.WorkerRegistry;
import java.util.List;

/** The worker list in the shared database; a worker is live while its heartbeat is younger than a lease. */
final class PostgresWorkerRegistry implements WorkerRegistry {
    private final PostgresDatabase db;
    private final long leaseMillis;

    PostgresWorkerRegistry(PostgresDatabase db, long leaseMillis) {
        this.db = db;
        this.leaseMillis = leaseMillis;
    }

    @Override
    public void beat(WorkerInfo w) {
        db.update("INSERT INTO workers (id, name, role, device, url, current_prompt, started_at, last_seen)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (id) DO UPDATE SET"
                        + " current_prompt = excluded.current_prompt, device = excluded.device, last_seen = now()",
                w.id(), w.name(), w.role(), w.device(), w.url(), w.currentPrompt(), w.startedMillis());
    }

    @Override
    public List<WorkerInfo> live() {
        // the dead are forgotten after a while, so the table does not grow with every restart
        db.update("DELETE FROM workers WHERE last_seen < now() - interval '1 day'");
        return db.query("SELECT id, name, role, device, url, current_prompt, started_at,"
                        + " (extract(epoch FROM last_seen) * 1000)::bigint FROM workers"
                        + " WHERE last_seen > now() - ? * interval '1 millisecond' ORDER BY started_at, id",
                r -> new WorkerInfo(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getString(6), r.getLong(7), r.getLong(8)),
                leaseMillis);
    }

    @Override
    public void leave(String id) {
        db.update("DELETE FROM workers WHERE id = ?", id);
    }
}
