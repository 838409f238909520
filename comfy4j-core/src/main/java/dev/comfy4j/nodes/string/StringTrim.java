package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyStrings;

/** Python's strip / lstrip / rstrip (Unicode whitespace). */
public final class StringTrim implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("StringTrim", "Trim")
                .input(Input.string("string").multiline(true))
                .input(Input.combo("mode", "Both", "Left", "Right"))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String s = in.string("string");
        String out = switch (String.valueOf(in.get("mode"))) {
            case "Both" -> PyStrings.strip(s);
            case "Left" -> PyStrings.lstrip(s);
            case "Right" -> PyStrings.rstrip(s);
            default -> s;
        };
        return NodeResult.of(out);
    }
}
