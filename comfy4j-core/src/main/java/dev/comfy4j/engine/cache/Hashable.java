package dev.comfy4j.engine.cache;

import dev.comfy4j.nodes.Link;
import dev.comfy4j.python.PyValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ComfyUI's to_hashable for cache keys: values compare with Python's equality ({@code 1 == 1.0 ==
 * True}), containers by content, NaN never equals anything, and objects that are not plain data (a
 * tensor literal) get a fresh marker so they never match.
 */
public final class Hashable {
    private Hashable() {}

    public static Object of(Object value) {
        return switch (value) {
            case null -> NONE;
            case String s -> s;
            case Boolean b -> b ? BigInteger.ONE : BigInteger.ZERO;
            case Double d -> number(d);
            case Float f -> number(f.doubleValue());
            case BigInteger b -> b;
            case BigDecimal d -> d.stripTrailingZeros();
            case Long l -> BigInteger.valueOf(l);
            case Integer i -> BigInteger.valueOf(i);
            case Link l -> List.of(l.nodeId(), BigInteger.valueOf(l.slot()));
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (Object item : list) out.add(of(item));
                yield out;
            }
            case Map<?, ?> map -> {
                Map<Object, Object> out = new HashMap<>();
                map.forEach((k, v) -> out.put(of(k), of(v)));
                yield out;
            }
            case com.fasterxml.jackson.databind.JsonNode node -> of(PyValues.fromJson(node));
            default -> new Object();
        };
    }

    private static Object number(double d) {
        if (Double.isNaN(d)) return new Object();
        if (Double.isInfinite(d)) return d;
        if (d == Math.rint(d)) return new BigDecimal(d).toBigInteger();
        return d;
    }

    /** Whether {@code value} is the marker {@link #of} gives for Python's None. */
    static boolean isNone(Object value) {
        return value == NONE;
    }

    /** Python's None. */
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };
}
