package dev.comfy4j.engine;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether an output type may feed an input type (execution spec §3.3): equal, either side the
 * wildcard {@code *}, or comma-separated unions that share a member.
 */
public final class TypeCompatibility {
    private TypeCompatibility() {}

    public static boolean compatible(Object received, Object declared) {
        if (received == null ? declared == null : received.equals(declared)) return true;
        if (!(received instanceof String r) || !(declared instanceof String d)) return false;
        if (r.equals("*") || d.equals("*")) return true;
        Set<String> a = split(r);
        Set<String> b = split(d);
        return a.stream().anyMatch(b::contains);
    }

    private static Set<String> split(String type) {
        return Arrays.stream(type.split(",", -1)).map(String::strip).collect(Collectors.toSet());
    }
}
