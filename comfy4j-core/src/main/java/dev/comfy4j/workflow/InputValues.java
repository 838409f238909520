package dev.comfy4j.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The checks {@link Workflow} makes of a constant against an input declaration of {@code /object_info}. */
final class InputValues {
    private InputValues() {}

    /** The declared type: "INT", "MODEL", ... or "COMBO" for a list of choices. */
    static String typeName(JsonNode spec) {
        JsonNode type = spec.path(0);
        return type.isArray() ? "COMBO" : type.asText();
    }

    /** ComfyUI's type match for links: equal, "*" on either side, or a shared member of comma-separated unions. */
    static boolean typesMatch(String input, String output) {
        if (input.equals(output) || input.equals("*") || output.equals("*")) return true;
        for (String a : input.split(",")) for (String b : output.split(",")) if (a.strip().equals(b.strip())) return true;
        return false;
    }

    static JsonNode check(String classType, String input, JsonNode spec, Object value) {
        String where = classType + "." + input;
        if (value == null) throw new IllegalArgumentException(where + " needs a value, not null");
        JsonNode options = spec.path(1);
        return switch (typeName(spec)) {
            case "INT" -> {
                BigInteger n = integer(where, value);
                checkRange(where, n.doubleValue(), options);
                // as a JSON parser would read the number back
                yield n.bitLength() < 32 ? IntNode.valueOf(n.intValue())
                        : n.bitLength() < 64 ? LongNode.valueOf(n.longValue()) : BigIntegerNode.valueOf(n);
            }
            case "FLOAT" -> {
                if (!(value instanceof Number number)) throw new IllegalArgumentException(where + " takes a number, not " + describe(value));
                double d = number.doubleValue();
                if (!Double.isFinite(d)) throw new IllegalArgumentException(where + " takes a finite number, not " + d);
                checkRange(where, d, options);
                yield DoubleNode.valueOf(d);
            }
            case "BOOLEAN" -> {
                if (!(value instanceof Boolean b)) throw new IllegalArgumentException(where + " takes true or false, not " + describe(value));
                yield BooleanNode.valueOf(b);
            }
            case "STRING" -> {
                if (!(value instanceof String s)) throw new IllegalArgumentException(where + " takes a string, not " + describe(value));
                yield TextNode.valueOf(s);
            }
            case "COMBO" -> choice(where, value, spec.path(0).isArray() ? spec.path(0) : options.path("options"));
            default -> throw new IllegalArgumentException(where + " takes a " + typeName(spec) + " from another node: connect it");
        };
    }

    private static BigInteger integer(String where, Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger b) return b;
        throw new IllegalArgumentException(where + " takes an integer, not " + describe(value));
    }

    private static void checkRange(String where, double v, JsonNode options) {
        if (options.has("min") && v < options.get("min").asDouble()) {
            throw new IllegalArgumentException(where + " is " + v + ", below its minimum " + options.get("min").asText());
        }
        if (options.has("max") && v > options.get("max").asDouble()) {
            throw new IllegalArgumentException(where + " is " + v + ", above its maximum " + options.get("max").asText());
        }
    }

    private static JsonNode choice(String where, Object value, JsonNode choices) {
        List<String> known = new ArrayList<>();
        for (JsonNode c : choices) {
            if (c.asText().equals(String.valueOf(value)) && (c.isTextual() == value instanceof String)) return c.deepCopy();
            known.add(c.asText());
        }
        throw new IllegalArgumentException(where + " must be one of " + (known.size() > 20 ? known.subList(0, 20) + "..." : known)
                + ", not " + describe(value));
    }

    private static String describe(Object value) {
        return value instanceof String s ? "'" + s + "'" : value + " (" + value.getClass().getSimpleName() + ")";
    }
}
