package dev.comfy4j.model.clip;

import dev.comfy4j.python.PyStrings;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text clean-up transformers' slow {@code CLIPTokenizer} applies when ftfy is not installed (the
 * case in a stock ComfyUI): its {@code BasicTokenizer(strip_accents=False, do_split_on_punc=False)}.
 * Control characters are dropped, any space separator becomes a space, CJK ideographs are set
 * apart by spaces, the text is NFC-normalised, split on whitespace and lower-cased word by word.
 */
final class ClipTextCleaner {
    private ClipTextCleaner() {}

    /** The words, lower-cased, in order; joined with single spaces they are what the BPE regex sees. */
    static List<String> words(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) return;
            if (isBasicWhitespace(cp)) {
                cleaned.append(' ');
            } else if (isCjkIdeograph(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
            } else {
                cleaned.appendCodePoint(cp);
            }
        });
        String normalized = Normalizer.normalize(cleaned, Normalizer.Form.NFC);
        List<String> words = new ArrayList<>();
        for (String w : splitPythonWhitespace(normalized)) words.add(w.toLowerCase(Locale.ROOT));
        // BasicTokenizer splits the lower-cased words on whitespace once more: lower-casing can
        // change a character but never creates whitespace, so a second split is not needed.
        return words;
    }

    /** {@code str.split()} with no argument: runs of whitespace separate, none at either end. */
    static List<String> splitPythonWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            if (PyStrings.isSpace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < n) {
                cp = s.codePointAt(i);
                if (PyStrings.isSpace(cp)) break;
                i += Character.charCount(cp);
            }
            out.add(s.substring(start, i));
        }
        return out;
    }

    /** BasicTokenizer's {@code _is_whitespace}: space, tab, newline, carriage return or category Zs. */
    private static boolean isBasicWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    /** BasicTokenizer's {@code _is_control}: any category C* character except tab, newline and CR. */
    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    /** BasicTokenizer's {@code _is_chinese_char}: the CJK Unified Ideographs blocks. */
    private static boolean isCjkIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
