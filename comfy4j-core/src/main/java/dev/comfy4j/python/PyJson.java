package dev.comfy4j.python;

import dev.comfy4j.json.PythonFloat;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Python's {@code json.dumps(value, indent=N)} for plain values (ensure_ascii, ", " / ": " separators). */
public final class PyJson {
    private PyJson() {}

    /** {@code json.dumps(value)}: one line, ", " and ": " separators, ASCII only. */
    public static String dumps(Object value) {
        return dumps(value, -1);
    }

    /** @throws PyError TypeError for a value json cannot serialise (like Python); a negative indent means none */
    public static String dumps(Object value, int indent) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent, int level) {
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Double d -> out.append(PythonFloat.repr(d));
            case Float f -> out.append(PythonFloat.repr(f));
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case BigInteger b -> out.append(b);
            case String s -> string(out, s);
            case List<?> list -> {
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) out.append(indent < 0 ? ", " : ",");
                    newline(out, indent, level + 1);
                    write(out, list.get(i), indent, level + 1);
                }
                newline(out, indent, level);
                out.append(']');
            }
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) out.append(indent < 0 ? ", " : ",");
                    first = false;
                    newline(out, indent, level + 1);
                    string(out, String.valueOf(e.getKey()));
                    out.append(": ");
                    write(out, e.getValue(), indent, level + 1);
                }
                newline(out, indent, level);
                out.append('}');
            }
            default -> throw PyError.typeError("Object of type " + PyValues.typeName(value) + " is not JSON serializable");
        }
    }

    private static void newline(StringBuilder out, int indent, int level) {
        if (indent < 0) return;
        out.append('\n').append(" ".repeat(indent * level));
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
