package dev.comfy4j.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.nodes.string.CaseConverter;
import dev.comfy4j.nodes.string.RegexExtract;
import dev.comfy4j.nodes.string.RegexMatch;
import dev.comfy4j.nodes.string.RegexReplace;
import dev.comfy4j.nodes.string.StringCompare;
import dev.comfy4j.nodes.string.StringConcatenate;
import dev.comfy4j.nodes.string.StringContains;
import dev.comfy4j.nodes.string.StringLength;
import dev.comfy4j.nodes.string.StringReplace;
import dev.comfy4j.nodes.string.StringSubstring;
import dev.comfy4j.nodes.string.StringTrim;
import dev.comfy4j.nodes.utils.PreviewAny;
import dev.comfy4j.python.PyError;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The string nodes against Python's results (values worked out with CPython's str and re semantics). */
class StringNodesTest {
    private static Object run(Node node, Object... kv) throws Exception {
        Map<String, Object> in = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) in.put((String) kv[i], kv[i + 1]);
        NodeResult r = node.execute(NodeInputs.of(in), null);
        return r.values().get(0);
    }

    @Test
    void concatenateAndReplace() throws Exception {
        assertThat(run(new StringConcatenate(), "string_a", "a", "string_b", "b", "delimiter", ", ")).isEqualTo("a, b");
        assertThat(run(new StringReplace(), "string", "abc", "find", "", "replace", "-")).isEqualTo("-a-b-c-");
        assertThat(run(new StringReplace(), "string", "aXbX", "find", "X", "replace", "")).isEqualTo("ab");
    }

    @Test
    void substringSlicesLikePython() throws Exception {
        assertThat(run(new StringSubstring(), "string", "hello", "start", 1L, "end", -1L)).isEqualTo("ell");
        assertThat(run(new StringSubstring(), "string", "hello", "start", -3L, "end", 100L)).isEqualTo("llo");
        assertThat(run(new StringSubstring(), "string", "hello", "start", 4L, "end", 2L)).isEqualTo("");
        assertThat(run(new StringSubstring(), "string", "h\uD83D\uDE00i", "start", 1L, "end", 2L)).isEqualTo("\uD83D\uDE00");
        assertThat(run(new StringSubstring(), "string", "abc", "start", new BigInteger("-99999999999999999999"), "end", 2L))
                .isEqualTo("ab");
    }

    @Test
    void lengthCountsCodePoints() throws Exception {
        assertThat(run(new StringLength(), "string", "a\uD83D\uDE00")).isEqualTo(2L);
    }

    @Test
    void caseAndTrim() throws Exception {
        assertThat(run(new CaseConverter(), "string", "hELLO wORLD", "mode", "Capitalize")).isEqualTo("Hello world");
        assertThat(run(new CaseConverter(), "string", "they're bill's 2nd", "mode", "Title Case")).isEqualTo("They'Re Bill'S 2Nd");
        assertThat(run(new CaseConverter(), "string", "straße", "mode", "UPPERCASE")).isEqualTo("STRASSE");
        assertThat(run(new CaseConverter(), "string", "x", "mode", "other")).isEqualTo("x");
        assertThat(run(new StringTrim(), "string", "\u00a0 x \n", "mode", "Both")).isEqualTo("x");
        assertThat(run(new StringTrim(), "string", "  x  ", "mode", "Left")).isEqualTo("x  ");
        assertThat(run(new StringTrim(), "string", "  x  ", "mode", "Right")).isEqualTo("  x");
    }

    @Test
    void containsAndCompare() throws Exception {
        assertThat(run(new StringContains(), "string", "Hello", "substring", "ELL", "case_sensitive", false)).isEqualTo(true);
        assertThat(run(new StringContains(), "string", "Hello", "substring", "ELL", "case_sensitive", true)).isEqualTo(false);
        assertThat(run(new StringCompare(), "string_a", "Hello", "string_b", "he", "mode", "Starts With", "case_sensitive", false))
                .isEqualTo(true);
        assertThat(run(new StringCompare(), "string_a", "Hello", "string_b", "LO", "mode", "Ends With", "case_sensitive", true))
                .isEqualTo(false);
        assertThat(new StringCompare().execute(NodeInputs.of(Map.of("string_a", "a", "string_b", "a", "mode", "?",
                "case_sensitive", true)), null).values()).isNull();
    }

    @Test
    void regexMatchUsesPythonFlags() throws Exception {
        Node m = new RegexMatch();
        assertThat(run(m, "string", "ABC", "regex_pattern", "b", "case_insensitive", true, "multiline", false, "dotall", false))
                .isEqualTo(true);
        assertThat(run(m, "string", "a\nb", "regex_pattern", "a.b", "case_insensitive", false, "multiline", false, "dotall", false))
                .isEqualTo(false);
        assertThat(run(m, "string", "a\nb", "regex_pattern", "a.b", "case_insensitive", false, "multiline", false, "dotall", true))
                .isEqualTo(true);
        assertThat(run(m, "string", "x\ny", "regex_pattern", "^y$", "case_insensitive", false, "multiline", true, "dotall", false))
                .isEqualTo(true);
        assertThat(run(m, "string", "x", "regex_pattern", "(", "case_insensitive", false, "multiline", false, "dotall", false))
                .isEqualTo(false);
        assertThat(run(m, "string", "ab", "regex_pattern", "(?P<x>a)(?P=x)?b\\Z", "case_insensitive", false, "multiline", false,
                "dotall", false)).isEqualTo(true);
    }

    @Test
    void regexExtractModes() throws Exception {
        Node x = new RegexExtract();
        Object[] base = {"string", "a1 b22 c333", "case_insensitive", true, "multiline", false, "dotall", false};
        assertThat(run(x, concat(base, "regex_pattern", "\\d+", "mode", "First Match", "group_index", 1L))).isEqualTo("1");
        assertThat(run(x, concat(base, "regex_pattern", "\\d+", "mode", "All Matches", "group_index", 1L))).isEqualTo("1\n22\n333");
        assertThat(run(x, concat(base, "regex_pattern", "([a-z])(\\d+)", "mode", "All Matches", "group_index", 1L)))
                .isEqualTo("a\nb\nc");
        assertThat(run(x, concat(base, "regex_pattern", "([a-z])(\\d+)", "mode", "First Group", "group_index", 2L))).isEqualTo("1");
        assertThat(run(x, concat(base, "regex_pattern", "([a-z])(\\d+)", "mode", "First Group", "group_index", 3L))).isEqualTo("");
        assertThat(run(x, concat(base, "regex_pattern", "([a-z])(\\d+)", "mode", "All Groups", "group_index", 2L)))
                .isEqualTo("1\n22\n333");
        assertThat(run(x, concat(base, "regex_pattern", "[", "mode", "First Match", "group_index", 1L))).isEqualTo("");
    }

    @Test
    void regexReplaceTranslatesPythonTemplates() throws Exception {
        Node r = new RegexReplace();
        assertThat(run(r, "string", "John Smith", "regex_pattern", "(\\w+) (\\w+)", "replace", "\\2, \\1")).isEqualTo("Smith, John");
        assertThat(run(r, "string", "a-b-c", "regex_pattern", "-", "replace", "$", "count", 1L)).isEqualTo("a$b-c");
        assertThat(run(r, "string", "ab", "regex_pattern", "(?P<n>a)", "replace", "[\\g<n>\\g<0>]\\n")).isEqualTo("[aa]\nb");
        assertThat(run(r, "string", "AAA", "regex_pattern", "a", "replace", "b", "case_insensitive", false)).isEqualTo("AAA");
        assertThatThrownBy(() -> run(r, "string", "x", "regex_pattern", "(", "replace", ""))
                .isInstanceOf(PyError.class).extracting(e -> ((PyError) e).pythonType()).isEqualTo("re.error");
    }

    @Test
    void previewAnyRendersLikePython() {
        assertThat(PreviewAny.render(1000.0)).isEqualTo("1000.0");
        assertThat(PreviewAny.render(1e16)).isEqualTo("1e+16");
        assertThat(PreviewAny.render(true)).isEqualTo("True");
        assertThat(PreviewAny.render(null)).isEqualTo("None");
        assertThat(PreviewAny.render(new BigInteger("18446744073709551615"))).isEqualTo("18446744073709551615");
        assertThat(PreviewAny.render(List.of(1L, "é"))).isEqualTo("[\n    1,\n    \"\\u00e9\"\n]");
        assertThat(PreviewAny.render(Map.of("a", List.of()))).isEqualTo("{\n    \"a\": []\n}");
        assertThat(PreviewAny.render(new Object() {
            @Override
            public String toString() {
                return "tensor(...)";
            }
        })).isEqualTo("tensor(...)");
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] out = new Object[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
