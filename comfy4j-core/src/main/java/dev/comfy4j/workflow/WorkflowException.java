package dev.comfy4j.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A run that did not succeed, with ComfyUI's own account of why: {@link Kind#REJECTED} (validation:
 * {@code details} is the {@code /prompt} error body, {@code error} and {@code node_errors}),
 * {@link Kind#FAILED} (a node raised: the {@code execution_error} data) or {@link Kind#INTERRUPTED}.
 */
public final class WorkflowException extends RuntimeException {
    public enum Kind { REJECTED, FAILED, INTERRUPTED }

    private final Kind kind;
    private final transient JsonNode details;

    public WorkflowException(Kind kind, String message, JsonNode details) {
        super(message);
        this.kind = kind;
        this.details = details;
    }

    public Kind kind() {
        return kind;
    }

    /** ComfyUI's JSON for the failure (may be empty for an interrupt). */
    public JsonNode details() {
        return details;
    }
}
