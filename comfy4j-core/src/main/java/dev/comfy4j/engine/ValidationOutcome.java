package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What {@code POST /prompt} learns from validation (execution spec §4).
 *
 * @param error null when the prompt may be queued, else ComfyUI's {@code error} object
 *     ({@code type, message, details, extra_info})
 * @param nodeErrors node id to {@code {errors, dependent_outputs, class_type}}; may be non-empty on
 *     success when only some outputs failed
 * @param outputs ids of the output nodes that passed, to execute
 * @param prompt the prompt after ComfyUI's coercions (INT truncation, BOOLEAN truthiness, ...)
 */
public record ValidationOutcome(ObjectNode error, ObjectNode nodeErrors, List<String> outputs, ObjectNode prompt) {
    public boolean valid() {
        return error == null;
    }
}
