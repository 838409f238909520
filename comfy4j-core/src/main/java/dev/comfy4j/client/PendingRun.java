package dev.comfy4j.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.workflow.RunHandle;
import dev.comfy4j.workflow.RunResult;
import dev.comfy4j.workflow.WorkflowException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A prompt posted by a {@link ComfyClient}, completed from its WebSocket events: the final
 * {@code executing} with a null node ends it (the history is written by then), with the outcome that
 * {@code execution_success}, {@code execution_error} or {@code execution_interrupted} announced.
 */
final class PendingRun implements RunHandle {
    private final ComfyClient client;
    private final CompletableFuture<RunResult> result = new CompletableFuture<>();
    private volatile String promptId;
    private volatile WorkflowException failure;

    PendingRun(ComfyClient client) {
        this.client = client;
    }

    void started(String id) {
        this.promptId = id;
    }

    @Override
    public String promptId() {
        return promptId;
    }

    @Override
    public CompletableFuture<RunResult> result() {
        return result;
    }

    void fail(WorkflowException e) {
        result.completeExceptionally(e);
    }

    void lost(String why) {
        result.completeExceptionally(new WorkflowException(WorkflowException.Kind.FAILED, why, Json.object()));
    }

    /** One event of this prompt; true when it was the last. */
    boolean onEvent(String type, JsonNode data) {
        switch (type) {
            case "execution_error" -> failure = new WorkflowException(WorkflowException.Kind.FAILED,
                    data.path("node_type").asText("a node") + " failed: " + data.path("exception_message").asText().strip(), data);
            case "execution_interrupted" -> failure = new WorkflowException(WorkflowException.Kind.INTERRUPTED, "interrupted", data);
            case "executing" -> {
                if (data.path("node").isNull()) {
                    finish();
                    return true;
                }
            }
            default -> { }
        }
        return false;
    }

    private void finish() {
        if (failure != null) {
            result.completeExceptionally(failure);
            return;
        }
        // off the WebSocket's thread: reading the history is a blocking HTTP call
        CompletableFuture.runAsync(() -> {
            try {
                result.complete(client.result(promptId));
            } catch (IOException e) {
                lost("cannot read the history of " + promptId + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lost("interrupted while reading the history");
            }
        });
    }

    /** A pending prompt is deleted from the queue (and ends here); a running one is interrupted on the server. */
    @Override
    public void cancel() {
        String id = promptId;
        if (id == null || result.isDone()) return;
        try {
            for (JsonNode item : client.queue().path("queue_pending")) {
                if (item.path(1).asText().equals(id)) {
                    client.deleteFromQueue(List.of(id));
                    result.completeExceptionally(new WorkflowException(WorkflowException.Kind.INTERRUPTED,
                            "cancelled before it started", Json.object()));
                    return;
                }
            }
            client.interrupt(id);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot cancel " + id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
