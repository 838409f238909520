package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The result of running one prompt, as the history entry needs it (API spec §8.4).
 *
 * @param success true for {@code execution_success}; false after an error or an interrupt
 * @param outputs node id to UI output ({@code {"images": [...]}}), cached nodes included
 * @param meta node id to {@code {node_id, display_node, parent_node, real_node_id}} for every node
 *     in {@code outputs}
 */
public record ExecutionOutcome(boolean success, ObjectNode outputs, ObjectNode meta) {}
