package dev.comfy4j.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between JSON trees and the plain Java values nodes receive: null, Boolean, Long (or
 * BigInteger beyond 64 bits), Double, String, List and insertion-ordered Map. Python's json module
 * makes exactly these distinctions, so a value survives a round trip unchanged.
 */
public final class PyValues {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private PyValues() {}

    public static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        if (node.isBoolean()) return node.booleanValue();
        if (node.isIntegralNumber()) return integer(node.bigIntegerValue());
        if (node.isNumber()) return node.doubleValue();
        if (node.isTextual()) return node.textValue();
        if (node.isArray()) {
            List<Object> out = new ArrayList<>(node.size());
            for (JsonNode item : node) out.add(fromJson(item));
            return out;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), fromJson(e.getValue()));
            }
            return out;
        }
        return node.toString();
    }

    /** A Long when the value fits, else the BigInteger: nodes mostly want a long, seeds may not fit. */
    public static Number integer(BigInteger value) {
        return value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0 ? (Number) value.longValue() : value;
    }

    /** JSON for a plain value; anything else (a tensor, a model) is written as its Python-like str(). */
    public static JsonNode toJson(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (value) {
            case null -> f.nullNode();
            case JsonNode node -> node;
            case Boolean b -> f.booleanNode(b);
            case Integer i -> f.numberNode(i);
            case Long l -> l == l.intValue() ? f.numberNode(l.intValue()) : f.numberNode(l);
            case BigInteger b -> b.bitLength() < 64 ? toJson(b.longValue()) : f.numberNode(b);
            case Double d -> f.numberNode(d);
            case Float fl -> f.numberNode(fl.doubleValue());
            case BigDecimal d -> f.numberNode(d.doubleValue());
            case String s -> f.textNode(s);
            case List<?> list -> {
                ArrayNode out = Json.array();
                for (Object item : list) out.add(toJson(item));
                yield out;
            }
            case Map<?, ?> map -> {
                ObjectNode out = Json.object();
                for (Map.Entry<?, ?> e : map.entrySet()) out.set(String.valueOf(e.getKey()), toJson(e.getValue()));
                yield out;
            }
            default -> f.textNode(PyRepr.str(value));
        };
    }

    /** Python truthiness. */
    public static boolean truthy(Object value) {
        return switch (value) {
            case null -> false;
            case Boolean b -> b;
            case Double d -> d != 0.0;
            case BigInteger b -> b.signum() != 0;
            case Number n -> n.longValue() != 0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /**
     * Python's {@code ==} between plain values: numbers compare by value across int, float and bool
     * ({@code 1 == 1.0 == True}); everything else by equals.
     */
    public static boolean pyEquals(Object a, Object b) {
        BigDecimal x = exactNumber(a);
        BigDecimal y = exactNumber(b);
        if (x != null && y != null) return x.compareTo(y) == 0;
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) return false;
            for (int i = 0; i < la.size(); i++) if (!pyEquals(la.get(i), lb.get(i))) return false;
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }

    /** The exact value of a finite number or bool, else null (NaN and infinities included). */
    public static BigDecimal exactNumber(Object value) {
        return switch (value) {
            case Boolean b -> b ? BigDecimal.ONE : BigDecimal.ZERO;
            case Double d -> Double.isFinite(d) ? new BigDecimal(d) : null;
            case Float f -> Float.isFinite(f) ? new BigDecimal(f) : null;
            case BigInteger b -> new BigDecimal(b);
            case BigDecimal d -> d;
            case Number n -> BigDecimal.valueOf(n.longValue());
            case null, default -> null;
        };
    }

    /** Python's numeric {@code <}: exact across int and float, false whenever NaN is involved. */
    public static int compareNumbers(Object a, Object b) {
        BigDecimal x = exactNumber(a);
        BigDecimal y = exactNumber(b);
        if (x != null && y != null) return x.compareTo(y);
        return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
    }

    public static boolean isNumber(Object value) {
        return value instanceof Number || value instanceof Boolean;
    }

    public static boolean isNaN(Object value) {
        return value instanceof Double d && d.isNaN();
    }

    /** Python's type name, as {@code TypeError} messages show it. */
    public static String typeName(Object value) {
        return switch (value) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Double d -> "float";
            case Number n -> "int";
            case String s -> "str";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            default -> value.getClass().getSimpleName();
        };
    }
}
