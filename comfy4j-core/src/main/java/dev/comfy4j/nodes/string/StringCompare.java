package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import java.util.Locale;

/** startswith / endswith / ==; like ComfyUI, an unknown mode yields no output value (None). */
public final class StringCompare implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("StringCompare", "Compare")
                .input(Input.string("string_a").multiline(true))
                .input(Input.string("string_b").multiline(true))
                .input(Input.combo("mode", "Starts With", "Ends With", "Equal"))
                .input(Input.bool("case_sensitive").defaultValue(true))
                .output("BOOLEAN")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String a = in.string("string_a");
        String b = in.string("string_b");
        if (!in.bool("case_sensitive")) {
            a = a.toLowerCase(Locale.ROOT);
            b = b.toLowerCase(Locale.ROOT);
        }
        Boolean out = switch (String.valueOf(in.get("mode"))) {
            case "Equal" -> a.equals(b);
            case "Starts With" -> a.startsWith(b);
            case "Ends With" -> a.endsWith(b);
            default -> null;
        };
        return out == null ? NodeResult.nothing() : NodeResult.of(out);
    }
}
