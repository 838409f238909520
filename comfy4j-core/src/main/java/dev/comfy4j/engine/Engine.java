package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The execution engine as the rest of the server sees it: validate a prompt, run a validated one,
 * describe the node catalogue, drop caches. One prompt runs at a time (the job worker calls
 * {@link #execute} from a single thread); {@link #validate} and {@link #objectInfo} may be called
 * concurrently from request threads.
 */
public interface Engine {
    /**
     * Validates an API-format prompt.
     *
     * @param prompt the {@code prompt} field of the request: any JSON value (a non-object is refused)
     * @param partialExecutionTargets the {@code partial_execution_targets} list, or null when absent
     */
    ValidationOutcome validate(String promptId, JsonNode prompt, List<String> partialExecutionTargets);

    /**
     * Runs a validated prompt to the end, an error or an interrupt, reporting through the listener in
     * ComfyUI's order. It emits {@code execution_start} .. {@code execution_success} /
     * {@code execution_error} / {@code execution_interrupted}; the final {@code executing} with
     * {@code node: null} is the job worker's, sent after history is written.
     *
     * @param extraData the prompt's {@code extra_data} (extra_pnginfo, client_id, ...)
     */
    ExecutionOutcome execute(String promptId, ObjectNode prompt, ObjectNode extraData,
                             List<String> outputsToExecute, ExecutionListener listener);

    /** Asks the running prompt to stop at its next check (before a node, or in a progress callback). */
    void interrupt();

    /** Drops every cached node output ({@code POST /free} with {@code free_memory}). */
    void clearCaches();

    /** Unloads models held in memory ({@code POST /free} with {@code unload_models}). */
    void unloadModels();

    /** {@code GET /object_info}: every node class, in registration order. */
    ObjectNode objectInfo();

    /** {@code GET /object_info/{class}}: {@code {class: info}}, or {@code {}} for an unknown class. */
    ObjectNode objectInfo(String className);
}
