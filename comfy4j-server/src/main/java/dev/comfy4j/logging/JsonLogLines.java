package dev.comfy4j.logging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --log-format json}: each line the process prints becomes one JSON object, for log
 * collectors. A log line of slf4j-simple (as {@code simplelogger.properties} configures it:
 * {@code 2026-12-04 18:00:00.123 INFO Worker - text}) gives {@code time}, {@code level},
 * {@code logger} and {@code message}; anything else printed (a stack trace line, a library's own
 * output) becomes a {@code message} with the time it was printed. The prompt id and user of the
 * printing thread ({@link LogContext}) are added when set.
 */
public final class JsonLogLines {
    private static final Pattern LOG_LINE =
            Pattern.compile("(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)", Pattern.DOTALL);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private JsonLogLines() {}

    /** The JSON form of {@code text} (one or more lines, masked already), one object a line. */
    public static String format(String text, LogContext.Fields context) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) continue;
            out.append(Json.write(object(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line, context)))
                    .append('\n');
        }
        return out.toString();
    }

    private static ObjectNode object(String line, LogContext.Fields context) {
        ObjectNode o = Json.object();
        Matcher m = LOG_LINE.matcher(line);
        if (m.matches()) {
            o.put("time", m.group(1));
            o.put("level", m.group(2));
            o.put("logger", m.group(3));
            o.put("message", m.group(4));
        } else {
            o.put("time", LocalDateTime.now().format(TIME));
            o.put("message", line);
        }
        if (context != null && context.promptId() != null) o.put("prompt_id", context.promptId());
        if (context != null && context.user() != null) o.put("user", context.user());
        return o;
    }
}
