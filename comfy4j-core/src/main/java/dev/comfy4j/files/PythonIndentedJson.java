package dev.comfy4j.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfy4j.json.Json;
import java.util.Iterator;
import java.util.Map;

/** JSON laid out like Python's {@code json.dumps(value, indent=n)}: one item a line, {@code ": "} and {@code ","}. */
final class PythonIndentedJson {
    private PythonIndentedJson() {}

    static String write(JsonNode node, int indent) {
        StringBuilder out = new StringBuilder();
        write(node, indent, 0, out);
        return out.toString();
    }

    private static void write(JsonNode node, int indent, int depth, StringBuilder out) {
        if (node.isObject() && !node.isEmpty()) {
            out.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                pad(out, indent * (depth + 1));
                out.append(Json.write(TextNode.valueOf(e.getKey()))).append(": ");
                write(e.getValue(), indent, depth + 1, out);
                if (it.hasNext()) out.append(',');
                out.append('\n');
            }
            pad(out, indent * depth);
            out.append('}');
        } else if (node.isArray() && !node.isEmpty()) {
            out.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                pad(out, indent * (depth + 1));
                write(node.get(i), indent, depth + 1, out);
                if (i < node.size() - 1) out.append(',');
                out.append('\n');
            }
            pad(out, indent * depth);
            out.append(']');
        } else {
            out.append(Json.write(node));
        }
    }

    private static void pad(StringBuilder out, int n) {
        out.append(" ".repeat(n));
    }
}
