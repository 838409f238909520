package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyStrings;

/** len(string), counted in code points like Python. */
public final class StringLength implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("StringLength", "Length")
                .input(Input.string("string").multiline(true))
                .output(Output.of("INT").named("length"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of((long) PyStrings.length(in.string("string")));
    }
}
