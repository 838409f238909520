package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import java.util.Locale;

/** Substring test, optionally after lower-casing both sides. */
public final class StringContains implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("StringContains", "Contains")
                .input(Input.string("string").multiline(true))
                .input(Input.string("substring").multiline(true))
                .input(Input.bool("case_sensitive").defaultValue(true))
                .output(Output.of("BOOLEAN").named("contains"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String s = in.string("string");
        String sub = in.string("substring");
        if (!in.bool("case_sensitive")) {
            s = s.toLowerCase(Locale.ROOT);
            sub = sub.toLowerCase(Locale.ROOT);
        }
        return NodeResult.of(s.contains(sub));
    }
}
