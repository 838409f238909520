package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyStrings;

/** Python's str.replace: every occurrence; an empty find inserts the replacement between characters. */
public final class StringReplace implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("StringReplace", "Replace")
                .input(Input.string("string").multiline(true))
                .input(Input.string("find").multiline(true))
                .input(Input.string("replace").multiline(true))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(PyStrings.replace(in.string("string"), in.string("find"), in.string("replace")));
    }
}
