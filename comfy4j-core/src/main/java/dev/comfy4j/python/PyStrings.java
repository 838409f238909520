package dev.comfy4j.python;

import java.math.BigInteger;

/** Python's str methods where Java's differ: whitespace, title case, code-point slicing, replace. */
public final class PyStrings {
    private PyStrings() {}

    /** {@code str.isspace()} for one code point. */
    public static boolean isSpace(int c) {
        return Character.isWhitespace(c) || c == 0x85 || c == 0xA0 || c == 0x2007 || c == 0x202F;
    }

    public static String strip(String s) {
        return rstrip(lstrip(s));
    }

    public static String lstrip(String s) {
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (!isSpace(c)) break;
            i += Character.charCount(c);
        }
        return s.substring(i);
    }

    public static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int c = s.codePointBefore(end);
            if (!isSpace(c)) break;
            end -= Character.charCount(c);
        }
        return s.substring(0, end);
    }

    /** {@code len(s)}: code points, not UTF-16 units. */
    public static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** {@code s[start:end]} with Python's negative indices and clamping. */
    public static String slice(String s, BigInteger start, BigInteger end) {
        int[] cps = s.codePoints().toArray();
        int n = cps.length;
        int from = sliceIndex(start, n);
        int to = sliceIndex(end, n);
        if (to <= from) return "";
        return new String(cps, from, to - from);
    }

    private static int sliceIndex(BigInteger index, int n) {
        BigInteger length = BigInteger.valueOf(n);
        BigInteger i = index.signum() < 0 ? index.add(length) : index;
        if (i.signum() < 0) return 0;
        if (i.compareTo(length) > 0) return n;
        return i.intValue();
    }

    /** {@code str.capitalize()}: first character title-cased, the rest lower-cased. */
    public static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int first = s.codePointAt(0);
        int rest = Character.charCount(first);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(rest).toLowerCase(java.util.Locale.ROOT)).toString();
    }

    /** {@code str.title()}: a cased character after an uncased one starts a word. */
    public static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (previousCased) {
                out.append(new String(Character.toChars(c)).toLowerCase(java.util.Locale.ROOT));
            } else {
                out.appendCodePoint(Character.toTitleCase(c));
            }
            previousCased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
        }
        return out.toString();
    }

    /** {@code str.replace(find, repl)}; an empty find inserts repl around every code point. */
    public static String replace(String s, String find, String repl) {
        if (!find.isEmpty()) return s.replace(find, repl);
        StringBuilder out = new StringBuilder(repl);
        s.codePoints().forEach(c -> out.appendCodePoint(c).append(repl));
        return out.toString();
    }
}
