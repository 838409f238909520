package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyRegex;

/** re.sub with Python's replacement syntax ({@code \1}, {@code \g<name>}); an invalid pattern raises re.error. */
public final class RegexReplace implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("RegexReplace", "Regex Replace")
                .description("Find and replace text using regex patterns.")
                .input(Input.string("string").multiline(true))
                .input(Input.string("regex_pattern").multiline(true))
                .input(Input.string("replace").multiline(true))
                .input(Input.bool("case_insensitive").defaultValue(true).optional())
                .input(Input.bool("multiline").defaultValue(false).optional())
                .input(Input.bool("dotall").defaultValue(false).optional().tooltip(
                        "When enabled, the dot (.) character will match any character including newline characters. When disabled, dots won't match newlines."))
                .input(Input.integer("count").defaultValue(0).min(0).max(100).optional().tooltip(
                        "Maximum number of replacements to make. Set to 0 to replace all occurrences (default). Set to 1 to replace only the first match, 2 for the first two matches, etc."))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        long count = ((Number) in.getOr("count", 0L)).longValue();
        return NodeResult.of(PyRegex.sub(RegexFlags.compile(in), in.string("replace"), in.string("string"), count));
    }
}
