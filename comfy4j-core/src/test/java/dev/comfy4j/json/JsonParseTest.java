package dev.comfy4j.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** {@link Json#parse} reads what Python's json.loads reads and refuses what it refuses, with plain messages. */
class JsonParseTest {
    @Test
    void extraDataAfterTheValueIsRefusedWherePythonPointsAtIt() {
        // Messages and positions as json.loads gives them (CPython 3.11).
        assertThatThrownBy(() -> Json.parse("{} x")).isInstanceOf(InvalidJsonException.class)
                .hasMessage("Extra data: line 1 column 4 (char 3)");
        assertThatThrownBy(() -> Json.parse("{\"a\": 1}}")).hasMessage("Extra data: line 1 column 9 (char 8)");
        assertThatThrownBy(() -> Json.parse("{\"a\":1}\n\n  ]")).hasMessage("Extra data: line 3 column 3 (char 11)");
        assertThatThrownBy(() -> Json.parse("[1] [2]")).hasMessage("Extra data: line 1 column 5 (char 4)");
    }

    @Test
    void surroundingWhitespaceAndEmptyTextAreAsBefore() throws Exception {
        assertThat(Json.parse(" \t\r\n{\"a\": 1}\n\r\t ").get("a").asInt()).isEqualTo(1);
        assertThat(Json.parse("").isMissingNode()).isTrue();
        assertThat(Json.parse("  ").isMissingNode()).isTrue();
        assertThat(Json.parse("7").asInt()).isEqualTo(7);
    }

    @Test
    void nanAndTheInfinitiesAreReadAndWrittenAsPythonDoes() throws Exception {
        JsonNode values = Json.parse("[NaN, Infinity, -Infinity, 1.5]");
        assertThat(values.get(0).doubleValue()).isNaN();
        assertThat(values.get(1).doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(values.get(2).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Json.write(values)).isEqualTo("[NaN,Infinity,-Infinity,1.5]");
    }

    @Test
    void stringsAreLimitedOnlyByTheInput() throws Exception {
        String big = "x".repeat(20_000_001); // over Jackson's default of 20,000,000
        JsonNode node = Json.parse("{\"s\": \"" + big + "\", \"" + "k".repeat(60_000) + "\": 1}");
        assertThat(node.get("s").textValue()).hasSize(20_000_001);
        assertThat(node.get("k".repeat(60_000)).asInt()).isEqualTo(1);
    }

    @Test
    void nestingDeeperThanTheLimitIsAPlainError() throws Exception {
        int limit = Json.MAX_NESTING_DEPTH;
        assertThat(Json.parse("[".repeat(limit) + "]".repeat(limit)).isArray()).isTrue();
        assertThatThrownBy(() -> Json.parse("[".repeat(limit + 1) + "]".repeat(limit + 1)))
                .isInstanceOf(InvalidJsonException.class).hasMessageStartingWith("Nesting depth exceeds 1000: line 1 column ");
        assertThatThrownBy(() -> Json.parse("{\"a\":".repeat(200_000))).hasMessageStartingWith("Nesting depth exceeds 1000");
    }

    @Test
    void numbersUpToPythonsDigitLimit() throws Exception {
        assertThat(Json.parse("9".repeat(4300)).bigIntegerValue().toString()).hasSize(4300);
        assertThatThrownBy(() -> Json.parse("9".repeat(4301))).hasMessageStartingWith("Number longer than 4300 digits");
    }

    @Test
    void messagesNeverNameParserInternals() {
        for (String bad : new String[] {"[01]", "{'a': 1}", "[1,]", "{\"a\" 1}", "[1, 2", "\"abc", "{\"a\": tru}",
                "[\"a\u0001\"]", "[+1]", "[.5]", "[0x10]", "[\"\\q\"]", "/* c */ 1", "[1 # c\n]", "\"" + "x".repeat(10) + "\n\""}) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(InvalidJsonException.class)
                    .satisfies(e -> assertThat(e.getMessage())
                            .doesNotContain("Feature", "enable", "Constraints", "`", "Source", "\n")
                            .matches("(?s).+: line \\d+ column \\d+( \\(char \\d+\\))?"));
        }
    }

    @Test
    void parserAdviceIsCut() {
        assertThat(InvalidJsonException.withoutParserAdvice(
                "Non-standard token 'x': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")).isEqualTo("Non-standard token 'x'");
        assertThat(InvalidJsonException.withoutParserAdvice(
                "Invalid numeric value: Leading zeroes not allowed (enable JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)"))
                .isEqualTo("Invalid numeric value: Leading zeroes not allowed");
        assertThat(InvalidJsonException.withoutParserAdvice(
                "Unexpected character (''' (code 39)): was expecting double-quote to start field name"))
                .isEqualTo("Unexpected character (''' (code 39)): was expecting double-quote to start field name");
    }
}
