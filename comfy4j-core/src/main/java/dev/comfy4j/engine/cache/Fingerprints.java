package dev.comfy4j.engine.cache;

/** IS_CHANGED per node, evaluated at most once per prompt (ComfyUI's IsChangedCache). */
@FunctionalInterface
public interface Fingerprints {
    /** The node's fingerprint: {@code false} for nodes without one. */
    Object isChanged(String nodeId);
}
