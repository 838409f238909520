package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/** string_a + delimiter + string_b. */
public final class StringConcatenate implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("StringConcatenate", "Concatenate")
                .input(Input.string("string_a").multiline(true))
                .input(Input.string("string_b").multiline(true))
                .input(Input.string("delimiter").multiline(false).defaultValue(""))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(in.string("string_a") + in.string("delimiter") + in.string("string_b"));
    }
}
