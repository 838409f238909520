package dev.comfy4j.python;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.PythonFloat;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Python's {@code str()} and {@code repr()} of the plain Java values the engine handles (None, bool,
 * int, float, str, list, dict and Jackson trees). ComfyUI embeds these renderings in error messages
 * ({@code 'conf_bogus' not in ['a', 'b']}) and in node outputs (PreviewAny), so they must match.
 */
public final class PyRepr {
    private PyRepr() {}

    public static String str(Object value) {
        if (value instanceof String s) return s;
        if (value instanceof JsonNode node) return str(PyValues.fromJson(node));
        return repr(value);
    }

    public static String repr(Object value) {
        return switch (value) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Double d -> floatStr(d);
            case Float f -> floatStr(f.doubleValue());
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case BigInteger b -> b.toString();
            case Number n -> n.toString();
            case String s -> quote(s);
            case JsonNode node -> repr(PyValues.fromJson(node));
            case List<?> list -> {
                StringJoiner out = new StringJoiner(", ", "[", "]");
                for (Object item : list) out.add(repr(item));
                yield out.toString();
            }
            case Map<?, ?> map -> {
                StringJoiner out = new StringJoiner(", ", "{", "}");
                for (Map.Entry<?, ?> e : map.entrySet()) out.add(repr(e.getKey()) + ": " + repr(e.getValue()));
                yield out.toString();
            }
            default -> String.valueOf(value);
        };
    }

    /** {@code str(float)}: like repr, but Python spells the specials {@code inf} and {@code nan}. */
    public static String floatStr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return PythonFloat.repr(d);
    }

    /** A Python string literal: single quotes unless the text holds a single quote and no double quote. */
    public static String quote(String s) {
        char q = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(q);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == q) {
                        out.append('\\').append((char) c);
                    } else if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", c));
                    } else if (!isPrintable(c)) {
                        out.append(c <= 0xff ? String.format("\\x%02x", c)
                                : c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append(q).toString();
    }

    private static boolean isPrintable(int c) {
        if (c == ' ') return true;
        int type = Character.getType(c);
        return switch (type) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
