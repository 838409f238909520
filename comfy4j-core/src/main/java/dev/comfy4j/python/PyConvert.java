package dev.comfy4j.python;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Python's {@code int()}, {@code float()}, {@code str()} and {@code bool()} on plain values, with
 * Python's error messages: ComfyUI's validator coerces widget values with exactly these calls and
 * reports their failures verbatim.
 */
public final class PyConvert {
    private static final Pattern INT_LITERAL = Pattern.compile("[+-]?[0-9](_?[0-9])*");
    private static final Pattern FLOAT_LITERAL = Pattern.compile(
            "[+-]?(([0-9](_?[0-9])*)(\\.([0-9](_?[0-9])*)?)?|\\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?");
    private static final Pattern FLOAT_SPECIAL = Pattern.compile("(?i)[+-]?(inf|infinity|nan)");

    private PyConvert() {}

    /** {@code int(value)}: truncates floats toward zero, parses decimal strings, refuses the rest. */
    public static Number toInt(Object value) {
        return switch (value) {
            case Boolean b -> b ? 1L : 0L;
            case Double d -> {
                if (d.isNaN()) throw PyError.valueError("cannot convert float NaN to integer");
                if (d.isInfinite()) throw new PyError("OverflowError", "cannot convert float infinity to integer");
                yield PyValues.integer(new BigDecimal(d).toBigInteger());
            }
            case Long l -> l;
            case Integer i -> (long) i;
            case BigInteger b -> PyValues.integer(b);
            case String s -> {
                String t = PyStrings.strip(s);
                if (!INT_LITERAL.matcher(t).matches()) {
                    throw PyError.valueError("invalid literal for int() with base 10: " + PyRepr.repr(s));
                }
                yield PyValues.integer(new BigInteger(t.replace("_", "")));
            }
            case null, default -> throw PyError.typeError(
                    "int() argument must be a string, a bytes-like object or a real number, not '"
                            + PyValues.typeName(value) + "'");
        };
    }

    /** {@code float(value)}. */
    public static double toFloat(Object value) {
        return switch (value) {
            case Boolean b -> b ? 1.0 : 0.0;
            case Double d -> d;
            case BigInteger b -> {
                double d = b.doubleValue();
                if (Double.isInfinite(d)) throw new PyError("OverflowError", "int too large to convert to float");
                yield d;
            }
            case Number n -> n.doubleValue();
            case String s -> parseFloat(s);
            case null, default -> throw PyError.typeError(
                    "float() argument must be a string or a real number, not '" + PyValues.typeName(value) + "'");
        };
    }

    private static double parseFloat(String s) {
        String t = PyStrings.strip(s);
        if (FLOAT_SPECIAL.matcher(t).matches()) {
            boolean negative = t.startsWith("-");
            String word = t.replaceFirst("^[+-]", "").toLowerCase();
            if (word.equals("nan")) return Double.NaN;
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!FLOAT_LITERAL.matcher(t).matches() || t.isEmpty() || t.equals("+") || t.equals("-")) {
            throw PyError.valueError("could not convert string to float: " + PyRepr.repr(s));
        }
        return Double.parseDouble(t.replace("_", ""));
    }

    /** {@code str(value)}. */
    public static String toStr(Object value) {
        return PyRepr.str(value);
    }

    /** {@code bool(value)}: Python truthiness, so the string "false" is true. */
    public static boolean toBool(Object value) {
        return PyValues.truthy(value);
    }
}
