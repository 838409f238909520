package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;

/** re.search found a match; an invalid pattern gives false. */
public final class RegexMatch implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("RegexMatch", "Regex Match")
                .input(Input.string("string").multiline(true))
                .input(Input.string("regex_pattern").multiline(true))
                .input(Input.bool("case_insensitive").defaultValue(true))
                .input(Input.bool("multiline").defaultValue(false))
                .input(Input.bool("dotall").defaultValue(false))
                .output(Output.of("BOOLEAN").named("matches"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        try {
            return NodeResult.of(RegexFlags.compile(in).matcher(in.string("string")).find());
        } catch (PyError e) {
            return NodeResult.of(false);
        }
    }
}
