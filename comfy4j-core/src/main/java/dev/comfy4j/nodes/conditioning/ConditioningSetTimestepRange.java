package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * ConditioningSetTimestepRange: the part of the sampling schedule where every entry applies, as
 * {@code start_percent} / {@code end_percent} (0 = the first, noisiest step; 1 = the end).
 */
public final class ConditioningSetTimestepRange implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningSetTimestepRange", "nodes")
                .category("advanced/conditioning")
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                .input(Input.floating("start").defaultValue(0.0).min(0.0).max(1.0).step(0.001))
                .input(Input.floating("end").defaultValue(1.0).min(0.0).max(1.0).step(0.001))
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning c = Conditioning.from(in.get("conditioning"), "conditioning");
        return NodeResult.of(c.withValues(Options.of(
                Conditioning.START_PERCENT, in.floating("start"),
                Conditioning.END_PERCENT, in.floating("end"))));
    }
}
