package dev.comfy4j.workflow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** A submitted run: wait for it, or cancel it (a queued run never starts, a running one stops at its next step). */
public interface RunHandle {
    String promptId();

    /** Completes with the result, or exceptionally with a {@link WorkflowException}. */
    CompletableFuture<RunResult> result();

    /** Stops the run: removes it from the queue, or interrupts it if it is running. */
    void cancel();

    /** Waits for the result; a failed run throws its {@link WorkflowException}. */
    default RunResult await() throws InterruptedException {
        try {
            return result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }
}
