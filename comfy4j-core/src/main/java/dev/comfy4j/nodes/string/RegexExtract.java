package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * First match, all matches (group 1 of each when the pattern has groups, like re.findall), group n
 * of the first match, or group n of every match; joined with newlines. An invalid pattern gives "".
 */
public final class RegexExtract implements Node {
    @Override
    public NodeSchema schema() {
        return StringNodes.schema("RegexExtract", "Regex Extract")
                .input(Input.string("string").multiline(true))
                .input(Input.string("regex_pattern").multiline(true))
                .input(Input.combo("mode", "First Match", "All Matches", "First Group", "All Groups"))
                .input(Input.bool("case_insensitive").defaultValue(true))
                .input(Input.bool("multiline").defaultValue(false))
                .input(Input.bool("dotall").defaultValue(false))
                .input(Input.integer("group_index").defaultValue(1).min(0).max(100))
                .output("STRING")
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Matcher m;
        try {
            m = RegexFlags.compile(in).matcher(in.string("string"));
        } catch (PyError e) {
            return NodeResult.of("");
        }
        long groupIndex = in.integer("group_index");
        int groups = m.groupCount();
        Object result = switch (String.valueOf(in.get("mode"))) {
            case "First Match" -> m.find() ? m.group() : "";
            case "All Matches" -> {
                List<String> all = new ArrayList<>();
                while (m.find()) {
                    String g = groups > 0 ? m.group(1) : m.group();
                    all.add(g == null ? "" : g);
                }
                yield String.join("\n", all);
            }
            // Python returns None when the group did not take part in the match.
            case "First Group" -> m.find() && groups >= groupIndex ? m.group((int) groupIndex) : "";
            case "All Groups" -> {
                List<String> all = new ArrayList<>();
                while (m.find()) {
                    if (groups > 0 && groups >= groupIndex) {
                        String g = m.group((int) groupIndex);
                        if (g == null) {
                            throw PyError.typeError("sequence item " + all.size() + ": expected str instance, NoneType found");
                        }
                        all.add(g);
                    }
                }
                yield String.join("\n", all);
            }
            default -> "";
        };
        return NodeResult.of(result);
    }
}
