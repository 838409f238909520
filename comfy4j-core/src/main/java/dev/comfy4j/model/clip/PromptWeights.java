package dev.comfy4j.model.clip;

import dev.comfy4j.python.PyConvert;
import dev.comfy4j.python.PyError;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's prompt-weight syntax ({@code comfy/sd1_clip.py}): {@code (text)} multiplies the weight by
 * 1.1, {@code (text:w)} sets it to {@code w}, {@code \(} and {@code \)} are literal parentheses. Weights
 * are Python doubles, so {@code ((x))} is exactly {@code 1.1 * 1.1 = 1.2100000000000002}.
 */
final class PromptWeights {
    /** Placeholders that survive the parenthesis parser, as ComfyUI's {@code escape_important} uses. */
    private static final String ESCAPED_CLOSE = "\0\1";
    private static final String ESCAPED_OPEN = "\0\2";

    /** One piece of text with its weight. */
    record Segment(String text, double weight) {}

    private PromptWeights() {}

    static String escapeImportant(String text) {
        return text.replace("\\)", ESCAPED_CLOSE).replace("\\(", ESCAPED_OPEN);
    }

    static String unescapeImportant(String text) {
        return text.replace(ESCAPED_CLOSE, ")").replace(ESCAPED_OPEN, "(");
    }

    /**
     * Splits at top-level parentheses. A stray {@code )} drives the depth negative, after which
     * nothing opens a group any more: ComfyUI's behaviour, kept.
     */
    static List<String> parseParentheses(String text) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                if (depth == 0) {
                    if (!current.isEmpty()) result.add(current.toString());
                    current.setLength(0);
                    current.append('(');
                } else {
                    current.append(c);
                }
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    result.add(current.append(')').toString());
                    current.setLength(0);
                } else {
                    current.append(c);
                }
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty()) result.add(current.toString());
        return result;
    }

    /** ComfyUI's {@code token_weights(text, weight)}: the weighted segments in order. */
    static List<Segment> tokenWeights(String text, double currentWeight) {
        List<Segment> out = new ArrayList<>();
        for (String part : parseParentheses(text)) {
            if (part.length() >= 2 && part.charAt(0) == '(' && part.charAt(part.length() - 1) == ')') {
                String inner = part.substring(1, part.length() - 1);
                double weight = currentWeight * 1.1;
                int colon = inner.lastIndexOf(':');
                if (colon > 0) {
                    try {
                        weight = PyConvert.toFloat(inner.substring(colon + 1));
                        inner = inner.substring(0, colon);
                    } catch (PyError notANumber) {
                        // ComfyUI keeps the text and the 1.1 factor when the weight is not a number.
                    }
                }
                out.addAll(tokenWeights(inner, weight));
            } else {
                out.add(new Segment(part, currentWeight));
            }
        }
        return out;
    }
}
