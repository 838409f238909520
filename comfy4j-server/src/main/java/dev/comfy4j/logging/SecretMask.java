package dev.comfy4j.logging;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides credentials in log text: the value of any key named like a credential
 * ({@code auth_token_comfy_org}, {@code api_key_comfy_org}, anything with token, secret, password,
 * api_key or authorization in its name) becomes {@code ***}, in the forms logs carry: JSON
 * ({@code "k": "v"}, also backslash-escaped inside a JSON string), Python reprs ({@code 'k': 'v'}),
 * query strings and forms ({@code k=v}) and headers ({@code Authorization: Bearer v}). The bytes of
 * Jetty's buffer dumps (its DEBUG output, when asked for) are hidden altogether.
 */
public final class SecretMask {
    private SecretMask() {}

    private static final String KEY = "[A-Za-z0-9_.\\-]*(?i:token|secret|password|passwd|api[_\\-]?key|authorization|cookie)[A-Za-z0-9_.\\-]*";
    public static final String MASK = "***";

    /** Each pattern: group 1 is everything up to the value, group 2 the value. */
    private static final List<Pattern> PATTERNS = List.of(
            // "key": "value" and \"key\": \"value\" (an unterminated value runs to the end of the text)
            Pattern.compile("((\\\\?)\"" + KEY + "\\2\"\\s*:\\s*\\2\")((?:[^\"\\\\]|\\\\(?!\"))*)"),
            // 'key': 'value'
            Pattern.compile("('" + KEY + "'\\s*:\\s*')([^']*)"),
            // "key": 123 or a value that is not a string (null excepted)
            Pattern.compile("(\"" + KEY + "\"\\s*:\\s*)(?!\\s|\"|null\\b|\\{|\\[)([^,}\\]\\s]+)"),
            // key=value
            Pattern.compile("(\\b" + KEY + "=)([^&\\s\"',;]*)"),
            // Authorization: Bearer value / token: value
            Pattern.compile("(\\b" + KEY + ":[ \\t]*)(?!\"|')((?:(?i:bearer|basic|token)[ \\t]+)?[^\\s,;\"']+)"));

    /**
     * Jetty's debug dumps of a buffer ({@code [p=0,l=552,c=8192,r=552]={...<<<bytes>>>...}}) cut long
     * bodies in the middle, which can cut a key off its value: their bytes are hidden whole.
     */
    private static final Pattern BUFFER_DUMP = Pattern.compile("(\\[p=\\d+,l=\\d+,c=\\d+,r=\\d+\\]=\\{).*?<<<.*?>>>[^}\\]]*\\}");

    /** The text with every credential value replaced by {@link #MASK}. */
    public static String mask(String text) {
        if (text == null) return text;
        if (text.contains("<<<")) text = BUFFER_DUMP.matcher(text).replaceAll("$1<<<bytes hidden>>>}");
        if (!mayContainSecret(text)) return text;
        String out = text;
        for (int i = 0; i < PATTERNS.size(); i++) out = replaceValues(PATTERNS.get(i), out, i == 0 ? 3 : 2);
        return out;
    }

    private static String replaceValues(Pattern pattern, String text, int valueGroup) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) return text;
        StringBuilder sb = new StringBuilder(text.length());
        int last = 0;
        do {
            if (m.group(valueGroup).isEmpty() || m.group(valueGroup).equals(MASK)) continue;
            sb.append(text, last, m.start(valueGroup)).append(MASK);
            last = m.end(valueGroup);
        } while (m.find());
        return sb.append(text, last, text.length()).toString();
    }

    /** A cheap filter: most lines name no credential at all. */
    private static boolean mayContainSecret(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("token") || lower.contains("secret") || lower.contains("passw") || lower.contains("key")
                || lower.contains("authorization") || lower.contains("cookie");
    }
}
