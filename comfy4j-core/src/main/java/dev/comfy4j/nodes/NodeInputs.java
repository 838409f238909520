package dev.comfy4j.nodes;

import dev.comfy4j.python.PyError;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one node call, by input name. Values are plain Java objects: Long (BigInteger
 * beyond 64 bits), Double, String, Boolean, List, Map, or whatever an upstream node produced (a
 * tensor). An absent optional input is simply missing; an unevaluated lazy input is null. For
 * INPUT_IS_LIST nodes every value is a {@code List<Object>}.
 */
public final class NodeInputs {
    private final Map<String, Object> values;

    public NodeInputs(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static NodeInputs of(Map<String, Object> values) {
        return new NodeInputs(values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Object get(String name) {
        return values.get(name);
    }

    /** The value, or {@code fallback} when the input is absent (Python's keyword default). */
    public Object getOr(String name, Object fallback) {
        return values.containsKey(name) ? values.get(name) : fallback;
    }

    public Set<String> names() {
        return values.keySet();
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public String string(String name) {
        return as(name, String.class);
    }

    public boolean bool(String name) {
        return as(name, Boolean.class);
    }

    public long integer(String name) {
        Object v = require(name);
        if (v instanceof BigInteger b) return b.longValueExact();
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) return n.longValue();
        throw PyError.typeError("input '" + name + "' is not an int: " + v);
    }

    /** INT inputs that may exceed 64 bits (seeds up to 2^64-1). */
    public BigInteger bigInteger(String name) {
        Object v = require(name);
        if (v instanceof BigInteger b) return b;
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) return BigInteger.valueOf(n.longValue());
        throw PyError.typeError("input '" + name + "' is not an int: " + v);
    }

    public double floating(String name) {
        Object v = require(name);
        if (v instanceof Number n) return n.doubleValue();
        throw PyError.typeError("input '" + name + "' is not a number: " + v);
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String name) {
        return as(name, List.class);
    }

    public <T> T as(String name, Class<T> type) {
        Object v = require(name);
        if (!type.isInstance(v)) {
            throw PyError.typeError("input '" + name + "' is a " + (v == null ? "None" : v.getClass().getSimpleName())
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    private Object require(String name) {
        if (!values.containsKey(name)) throw PyError.typeError("missing required input '" + name + "'");
        return values.get(name);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
