package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.python.PyRegex;
import java.util.regex.Pattern;

/** The case_insensitive / multiline / dotall switches shared by the regex nodes. */
final class RegexFlags {
    private RegexFlags() {}

    static Pattern compile(NodeInputs in) {
        return PyRegex.compile(in.string("regex_pattern"),
                (Boolean) in.getOr("case_insensitive", true),
                (Boolean) in.getOr("multiline", false),
                (Boolean) in.getOr("dotall", false));
    }
}
