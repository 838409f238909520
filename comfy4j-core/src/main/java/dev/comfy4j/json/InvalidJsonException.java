package dev.comfy4j.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.regex.Pattern;

/**
 * Malformed JSON, described the way Python's {@code json.JSONDecodeError} is:
 * {@code "<what>: line L column C (char N)"}. The parser's own wording is kept for what went wrong,
 * less its hints about parser settings ({@code enable JsonReadFeature...}, {@code StreamReadConstraints...}),
 * which mean nothing to a client.
 */
public final class InvalidJsonException extends JsonProcessingException {
    /** Where the parser's advice about its own settings begins. */
    private static final Pattern PARSER_ADVICE = Pattern.compile(
            "(?i)\\s*[:;,]?\\s*\\(?\\s*(enable\\b|`|\\w*(Feature|Constraints)\\b|\\[Source:|maybe a \\(non-standard\\)|not recognized)|\\r|\\n");

    private InvalidJsonException(String message) {
        super(message);
    }

    /** An error found by comfy4j itself at character {@code offset} of {@code text}. */
    static InvalidJsonException at(String what, String text, int offset) {
        return new InvalidJsonException(what + position(text, offset));
    }

    /** Jackson's error, re-worded; {@code stoppedAt} is where the parser stopped, for errors without a location. */
    static InvalidJsonException from(JsonProcessingException e, String text, long stoppedAt) {
        String what = switch (e) {
            case StreamConstraintsException c when c.getOriginalMessage().contains("nesting depth") ->
                    "Nesting depth exceeds " + Json.MAX_NESTING_DEPTH;
            case StreamConstraintsException c when c.getOriginalMessage().contains("Number value length") ->
                    "Number longer than " + Json.MAX_NUMBER_LENGTH + " digits";
            case StreamConstraintsException c -> "Document too large";
            case JsonEOFException eof -> "Unexpected end of input";
            default -> withoutParserAdvice(e.getOriginalMessage());
        };
        JsonLocation where = e.getLocation();
        long offset = where != null ? where.getCharOffset() : stoppedAt;
        if (offset >= 0 && offset <= text.length()) {
            // Jackson points just past the offending character; Python points at it.
            int at = (int) Math.max(0, e instanceof JsonEOFException ? offset : offset - 1);
            return new InvalidJsonException(what + position(text, at));
        }
        if (where == null) return new InvalidJsonException(what);
        return new InvalidJsonException(what + ": line " + where.getLineNr() + " column " + where.getColumnNr());
    }

    static String withoutParserAdvice(String message) {
        if (message == null || message.isBlank()) return "Invalid JSON";
        var m = PARSER_ADVICE.matcher(message);
        String kept = m.find() ? message.substring(0, m.start()) : message;
        kept = kept.strip().replaceAll("[\\s:;,(]+$", "");
        return kept.isEmpty() ? "Invalid JSON" : kept;
    }

    /** Python's {@code ": line %d column %d (char %d)"} for a 0-based character offset. */
    private static String position(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return ": line " + line + " column " + (offset - lineStart + 1) + " (char " + offset + ")";
    }
}
