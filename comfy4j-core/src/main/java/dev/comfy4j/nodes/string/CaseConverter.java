package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyStrings;
import java.util.Locale;

/** Python's upper / lower / capitalize / title; an unknown mode returns the string unchanged. */
public final class CaseConverter implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("CaseConverter", "Case Converter")
                .input(Input.string("string").multiline(true))
                .input(Input.combo("mode", "UPPERCASE", "lowercase", "Capitalize", "Title Case"))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String s = in.string("string");
        String out = switch (String.valueOf(in.get("mode"))) {
            case "UPPERCASE" -> s.toUpperCase(Locale.ROOT);
            case "lowercase" -> s.toLowerCase(Locale.ROOT);
            case "Capitalize" -> PyStrings.capitalize(s);
            case "Title Case" -> PyStrings.title(s);
            default -> s;
        };
        return NodeResult.of(out);
    }
}
