package dev.comfy4j.python;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Python {@code re} on top of java.util.regex: pattern syntax and replacement templates are
 * translated, and the flags are chosen so that {@code .}, {@code $}, {@code \w}, {@code \d},
 * {@code \s} and case folding behave like Python's Unicode str patterns.
 */
public final class PyRegex {
    private PyRegex() {}

    /** Compiles a Python pattern; a syntax error surfaces as Python's {@code re.error}. */
    public static Pattern compile(String pythonPattern, boolean ignoreCase, boolean multiline, boolean dotall) {
        int flags = Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS;
        if (ignoreCase) flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        if (multiline) flags |= Pattern.MULTILINE;
        if (dotall) flags |= Pattern.DOTALL;
        try {
            return Pattern.compile(translatePattern(pythonPattern), flags);
        } catch (PatternSyntaxException e) {
            throw new PyError("re.error", e.getDescription() + " at position " + Math.max(e.getIndex(), 0), e);
        }
    }

    /** Python-only syntax: named groups {@code (?P<n>)}, back references {@code (?P=n)}, {@code \Z}. */
    static String translatePattern(String p) {
        StringBuilder out = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                char next = p.charAt(i + 1);
                out.append(next == 'Z' ? "\\z" : "\\" + next);
                i++;
            } else if (p.startsWith("(?P<", i)) {
                out.append("(?<");
                i += 3;
            } else if (p.startsWith("(?P=", i)) {
                int close = p.indexOf(')', i);
                if (close < 0) throw new PyError("re.error", "missing ), unterminated name at position " + i);
                out.append("\\k<").append(p, i + 4, close).append('>');
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code re.sub(pattern, template, s, count)}: count 0 replaces every match. */
    public static String sub(Pattern pattern, String template, String s, long count) {
        List<Object> parts = parseTemplate(template, pattern);
        Matcher m = pattern.matcher(s);
        StringBuilder out = new StringBuilder();
        int last = 0;
        long done = 0;
        while ((count <= 0 || done < count) && m.find()) {
            out.append(s, last, m.start());
            for (Object part : parts) {
                if (part instanceof GroupRef ref) {
                    String g = ref.index() != null ? m.group(ref.index()) : m.group(ref.name());
                    if (g != null) out.append(g);
                } else {
                    out.append((String) part);
                }
            }
            last = m.end();
            done++;
        }
        return out.append(s, last, s.length()).toString();
    }

    /** A group reference of a replacement template: by number or by name. */
    record GroupRef(Integer index, String name) {}

    /** Splits a Python replacement template into literal strings and {@link GroupRef}s. */
    static List<Object> parseTemplate(String t, Pattern pattern) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int groups = pattern.matcher("").groupCount();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c != '\\' || i + 1 >= t.length()) {
                literal.append(c);
                continue;
            }
            char n = t.charAt(++i);
            Object ref = null;
            if (n == 'g') {
                int close = t.indexOf('>', i);
                if (i + 1 >= t.length() || t.charAt(i + 1) != '<' || close < 0) {
                    throw new PyError("re.error", "missing < at position " + (i + 1));
                }
                String name = t.substring(i + 2, close);
                ref = name.chars().allMatch(Character::isDigit) && !name.isEmpty() ? (Object) Integer.parseInt(name) : name;
                i = close;
            } else if (Character.isDigit(n)) {
                int end = i + 1;
                if (end < t.length() && Character.isDigit(t.charAt(end))) end++;
                ref = Integer.parseInt(t.substring(i, end));
                i = end - 1;
            } else {
                switch (n) {
                    case 'n' -> literal.append('\n');
                    case 't' -> literal.append('\t');
                    case 'r' -> literal.append('\r');
                    case 'f' -> literal.append('\f');
                    case 'v' -> literal.append('\u000b');
                    case 'a' -> literal.append('\u0007');
                    case 'b' -> literal.append('\b');
                    case '\\' -> literal.append('\\');
                    default -> {
                        if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z')) {
                            throw new PyError("re.error", "bad escape \\" + n + " at position " + (i - 1));
                        }
                        literal.append('\\').append(n);
                    }
                }
            }
            if (ref != null) {
                if (ref instanceof Integer index && index > groups) {
                    throw new PyError("re.error", "invalid group reference " + index + " at position " + (i));
                }
                if (!literal.isEmpty()) parts.add(literal.toString());
                literal.setLength(0);
                parts.add(ref instanceof Integer index ? new GroupRef(index, null) : new GroupRef(null, (String) ref));
            }
        }
        if (!literal.isEmpty()) parts.add(literal.toString());
        return parts;
    }
}
