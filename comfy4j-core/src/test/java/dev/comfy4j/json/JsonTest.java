package dev.comfy4j.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
    @ParameterizedTest
    @CsvSource({
        "8.0, 8.0", "1e-05, 0.00001", "104857600.0, 104857600", "0.0001, 0.0001", "1e+16, 1e16",
        "1000000000000000.0, 1e15", "0.1, 0.1", "-2.5, -2.5", "1.5e-07, 0.00000015", "123.456, 123.456",
        "3.4028234663852886e+38, 3.4028234663852886E38", "-0.0, -0.0"
    })
    void floatsArePrintedLikePythonRepr(String python, double value) {
        assertThat(PythonFloat.repr(value)).isEqualTo(python);
    }

    @Test
    void bigIntegersSurviveARoundTrip() throws Exception {
        JsonNode node = Json.parse("{\"seed\": 18446744073709551615, \"neg\": -18446744073709551615}");
        assertThat(Json.write(node)).isEqualTo("{\"seed\":18446744073709551615,\"neg\":-18446744073709551615}");
    }

    @Test
    void floatsStayFloatsAndIntsStayInts() throws Exception {
        JsonNode node = Json.parse("{\"a\": 8.0, \"b\": 8, \"c\": 1e-5}");
        assertThat(node.get("a").isFloatingPointNumber()).isTrue();
        assertThat(node.get("b").isIntegralNumber()).isTrue();
        assertThat(Json.write(node)).isEqualTo("{\"a\":8.0,\"b\":8,\"c\":1e-05}");
    }

    @Test
    void nonAsciiIsEscapedAndKeyOrderKept() throws Exception {
        JsonNode node = Json.parse("{\"z\": \"caf\u00e9 \u732b\", \"a\": 1}");
        assertThat(Json.write(node)).isEqualTo("{\"z\":\"caf\\u00E9 \\u732B\",\"a\":1}");
    }
}
