package dev.comfy4j.nodes;

import java.util.List;

/** A connection to output {@code slot} of node {@code nodeId}: the prompt's {@code ["4", 0]}. */
public record Link(String nodeId, int slot) {
    /** The JSON-array form the prompt uses and rawLink inputs receive. */
    public List<Object> asList() {
        return List.of(nodeId, (long) slot);
    }
}
