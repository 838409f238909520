package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyStrings;

/** Python's string[start:end]: negative indices count from the end, out-of-range ones are clamped. */
public final class StringSubstring implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("StringSubstring", "Substring")
                .input(Input.string("string").multiline(true))
                .input(Input.integer("start"))
                .input(Input.integer("end"))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(PyStrings.slice(in.string("string"), in.bigInteger("start"), in.bigInteger("end")));
    }
}
