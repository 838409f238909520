package dev.comfy4j.nodes;

/**
 * Returned as an output value, it stops every downstream node that receives it. With a message, each
 * blocked node reports an {@code execution_error} ("Execution Blocked: <message>") but the prompt
 * still succeeds; without one the block is silent.
 */
public record ExecutionBlocker(String message) {
    public static final ExecutionBlocker SILENT = new ExecutionBlocker(null);
}
