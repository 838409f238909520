package dev.comfy4j.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import org.junit.jupiter.api.Test;

/** {@code --log-format json}: one object a line, fields from slf4j-simple's line, the thread's prompt context. */
class JsonLogLinesTest {
    @Test
    void aLogLineBecomesOneObjectWithItsPromptAndUser() throws Exception {
        String out = JsonLogLines.format("2026-12-04 18:00:00.123 INFO Worker - Prompt executed in 1.23 seconds\n",
                new LogContext.Fields("p-1", "alice"));
        assertThat(out).endsWith("\n").doesNotContain("\n{");
        JsonNode o = Json.parse(out.strip());
        assertThat(o.get("time").asText()).isEqualTo("2026-12-04 18:00:00.123");
        assertThat(o.get("level").asText()).isEqualTo("INFO");
        assertThat(o.get("logger").asText()).isEqualTo("Worker");
        assertThat(o.get("message").asText()).isEqualTo("Prompt executed in 1.23 seconds");
        assertThat(o.get("prompt_id").asText()).isEqualTo("p-1");
        assertThat(o.get("user").asText()).isEqualTo("alice");
    }

    @Test
    void otherLinesKeepTheirTextAndEachLineIsItsOwnObject() throws Exception {
        String out = JsonLogLines.format("java.lang.IllegalStateException: \"quoted\"\n\tat X.y(X.java:1)\n", null);
        String[] lines = out.split("\n");
        assertThat(lines).hasSize(2);
        assertThat(Json.parse(lines[0]).get("message").asText()).isEqualTo("java.lang.IllegalStateException: \"quoted\"");
        assertThat(Json.parse(lines[1]).get("message").asText()).isEqualTo("\tat X.y(X.java:1)");
        assertThat(Json.parse(lines[0]).has("prompt_id")).isFalse();
        assertThat(Json.parse(lines[0]).get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
    }

    @Test
    void theContextIsTheThreadsAndEndsWithItsScope() throws Exception {
        assertThat(LogContext.current()).isNull();
        try (var outer = LogContext.open("p-1", null)) {
            try (var inner = LogContext.open("p-2", "bob")) {
                assertThat(LogContext.current()).isEqualTo(new LogContext.Fields("p-2", "bob"));
                Thread other = new Thread(() -> assertThat(LogContext.current()).isNull());
                other.start();
                other.join();
            }
            assertThat(LogContext.current().promptId()).isEqualTo("p-1");
        }
        assertThat(LogContext.current()).isNull();
    }
}
