package dev.comfy4j.jobs;

import dev.comfy4j.engine.ExecutionListener;

/** What the job layer tells the outside world (the server turns it into WebSocket messages). */
public interface JobEvents {
    /** The queue changed: enqueue, dequeue, finish, clear, delete. */
    void queueChanged();

    /** The listener for one prompt's execution events, targeted at its client (null: none). */
    ExecutionListener promptListener(String promptId, String clientId);

    /** The prompt is finished and its history written: ComfyUI's final {@code executing} with node null. */
    void promptFinished(String promptId, String clientId);

    JobEvents NONE = new JobEvents() {
        @Override public void queueChanged() {}

        @Override public ExecutionListener promptListener(String promptId, String clientId) {
            return ExecutionListener.NONE;
        }

        @Override public void promptFinished(String promptId, String clientId) {}
    };
}
