package dev.comfy4j.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.ExecutionListener;
import dev.comfy4j.engine.ExecutionOutcome;
import dev.comfy4j.engine.ValidationOutcome;
import dev.comfy4j.json.Json;
import dev.comfy4j.workflow.OutputFile;
import dev.comfy4j.workflow.RunHandle;
import dev.comfy4j.workflow.RunListener;
import dev.comfy4j.workflow.RunResult;
import dev.comfy4j.workflow.WorkflowException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** One submitted run of an {@link EmbeddedComfy}: queued, running, then done or cancelled. */
final class EmbeddedRun implements RunHandle {
    private enum State { QUEUED, RUNNING, DONE }

    private final String promptId;
    private final Engine engine;
    private final CompletableFuture<RunResult> result = new CompletableFuture<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);

    EmbeddedRun(String promptId, Engine engine) {
        this.promptId = promptId;
        this.engine = engine;
    }

    @Override
    public String promptId() {
        return promptId;
    }

    @Override
    public CompletableFuture<RunResult> result() {
        return result;
    }

    @Override
    public void cancel() {
        if (state.compareAndSet(State.QUEUED, State.DONE)) {
            fail(new WorkflowException(WorkflowException.Kind.INTERRUPTED, "cancelled before it started", Json.object()));
        } else if (state.get() == State.RUNNING) {
            engine.interrupt(); // one run at a time per engine: the running one is this one
        }
    }

    void fail(WorkflowException e) {
        state.set(State.DONE);
        result.completeExceptionally(e);
    }

    /** Runs on the engine's thread. */
    void execute(ValidationOutcome validation, RunListener listener, OutputFile.FileReader reader) {
        if (!state.compareAndSet(State.QUEUED, State.RUNNING)) return; // cancelled while queued
        ObjectNode[] failure = {null};
        String[] failureType = {null};
        ExecutionListener events = new ExecutionListener() {
            @Override
            public void event(String type, ObjectNode data) {
                if (type.equals("execution_error") || type.equals("execution_interrupted")) {
                    failureType[0] = type;
                    failure[0] = data;
                }
                RunListener.dispatch(listener, type, data);
            }

            @Override
            public void previewImage(String imageType, byte[] encoded, ObjectNode metadata) {
                listener.preview(imageType, encoded);
            }

            @Override
            public void progressText(String nodeId, String text) {
                ObjectNode data = Json.object().put("node", nodeId).put("text", text);
                listener.event("progress_text", data);
            }

            @Override
            public void executionBlocked(ObjectNode data) {
                listener.event("execution_error", data);
            }
        };
        try {
            ExecutionOutcome outcome = engine.execute(promptId, validation.prompt(), Json.object(), validation.outputs(), events);
            state.set(State.DONE);
            if (outcome.success()) {
                result.complete(new RunResult(promptId, outcome.outputs(), reader));
            } else if ("execution_interrupted".equals(failureType[0])) {
                result.completeExceptionally(new WorkflowException(WorkflowException.Kind.INTERRUPTED, "interrupted", failure[0]));
            } else {
                JsonNode data = failure[0] == null ? Json.object() : failure[0];
                result.completeExceptionally(new WorkflowException(WorkflowException.Kind.FAILED,
                        data.path("node_type").asText("a node") + " failed: " + data.path("exception_message").asText().strip(), data));
            }
        } catch (RuntimeException | Error e) {
            fail(new WorkflowException(WorkflowException.Kind.FAILED, "the engine failed: " + e, Json.object()));
        }
    }
}
