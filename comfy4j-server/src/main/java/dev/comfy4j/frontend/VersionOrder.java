package dev.comfy4j.frontend;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Orders version folder names such as {@code 1.27.10} numerically ({@code 1.27.10} after {@code 1.27.9}). */
record VersionOrder(String name) implements Comparable<VersionOrder> {
    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)(.*)$");

    @Override
    public int compareTo(VersionOrder other) {
        Matcher a = NUMBERS.matcher(name);
        Matcher b = NUMBERS.matcher(other.name);
        boolean aNumeric = a.matches();
        boolean bNumeric = b.matches();
        if (aNumeric != bNumeric) return aNumeric ? 1 : -1;
        if (!aNumeric) return name.compareTo(other.name);
        for (int i = 1; i <= 3; i++) {
            int c = new java.math.BigInteger(a.group(i)).compareTo(new java.math.BigInteger(b.group(i)));
            if (c != 0) return c;
        }
        // a release sorts after its pre-releases: "1.2.3" > "1.2.3-rc1"
        if (a.group(4).isEmpty() != b.group(4).isEmpty()) return a.group(4).isEmpty() ? 1 : -1;
        return a.group(4).compareTo(b.group(4));
    }
}
