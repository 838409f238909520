package dev.comfy4j.nodes;

/**
 * IS_CHANGED: a value that joins the node's cache key. Return something that changes when the
 * node's outside world changes (a file hash); {@code Double.NaN} means "always re-run". Linked
 * inputs are null here: only widget values and hidden values are known before execution.
 */
public interface Fingerprinted {
    Object fingerprint(NodeInputs inputs) throws Exception;
}
