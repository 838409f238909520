package dev.comfy4j.json;

import java.math.BigDecimal;

/**
 * Python's {@code repr(float)}: the shortest digits that round-trip, in positional form when the
 * decimal exponent lies in [-4, 16), otherwise scientific with a signed, at least two-digit
 * exponent. {@code NaN} and the infinities come out as Python's json module writes them.
 */
public final class PythonFloat {
    private PythonFloat() {}

    public static String repr(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        // Double.toString gives the shortest round-tripping digits (JDK 19+); BigDecimal splits them.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int pointPosition = digits.length() - exact.scale(); // value = 0.digits * 10^pointPosition
        StringBuilder out = new StringBuilder(v < 0 ? "-" : "");
        if (pointPosition > -4 && pointPosition <= 16) {
            if (pointPosition <= 0) {
                out.append("0.").append("0".repeat(-pointPosition)).append(digits);
            } else if (pointPosition >= digits.length()) {
                out.append(digits).append("0".repeat(pointPosition - digits.length())).append(".0");
            } else {
                out.append(digits, 0, pointPosition).append('.').append(digits.substring(pointPosition));
            }
        } else {
            int exponent = pointPosition - 1;
            out.append(digits.charAt(0));
            if (digits.length() > 1) out.append('.').append(digits.substring(1));
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) out.append('0');
            out.append(abs);
        }
        return out.toString();
    }
}
