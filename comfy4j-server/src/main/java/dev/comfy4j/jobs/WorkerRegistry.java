package dev.comfy4j.jobs;

import java.util.List;

/** The servers on one job store and what they run, kept fresh by their heartbeats. */
public interface WorkerRegistry {
    /** Records that this server is alive, and what it runs now. */
    void beat(WorkerInfo info);

    /** Servers whose last heartbeat is recent, oldest start first. */
    List<WorkerInfo> live();

    /** This server stops: it leaves the list at once. */
    void leave(String id);

    /** The registry of one process: only this server. */
    final class Local implements WorkerRegistry {
        private volatile WorkerInfo self;

        @Override public void beat(WorkerInfo info) { self = info; }

        @Override public List<WorkerInfo> live() {
            WorkerInfo s = self;
            return s == null ? List.of() : List.of(s);
        }

        @Override public void leave(String id) {
            WorkerInfo s = self;
            if (s != null && s.id().equals(id)) self = null;
        }
    }
}
