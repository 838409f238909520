package dev.comfy4j.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The one JSON configuration of the project, shaped after Python's {@code json} module.
 *
 * <p>Integers keep arbitrary precision (Jackson picks int, long or BigInteger nodes as needed: seeds
 * reach 2^64-1). Floats stay floats, so {@code 8.0} and {@code 8} remain different, and they are
 * written the way Python's {@code repr} writes them ({@code 1e-05}, {@code 104857600.0}). Object key
 * order is insertion order: the order of a node's {@code inputs} drives execution order. Non-ASCII
 * characters are escaped as {@code \\uXXXX}, like {@code json.dumps}.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder().addDecorator((factory, generator) -> new PythonNumbers(generator)).build())
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses JSON text; throws {@link JsonProcessingException} on malformed input. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON tree", e);
        }
    }

    public static byte[] writeBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON tree", e);
        }
    }

    /** Writes every float the way Python's {@code repr(float)} does. */
    private static final class PythonNumbers extends JsonGeneratorDelegate {
        PythonNumbers(JsonGenerator delegate) {
            super(delegate, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            delegate.writeRawValue(PythonFloat.repr(v));
        }

        @Override
        public void writeNumber(float v) throws IOException {
            delegate.writeRawValue(PythonFloat.repr(v));
        }

        @Override
        public void writeNumber(BigDecimal v) throws IOException {
            delegate.writeRawValue(PythonFloat.repr(v.doubleValue()));
        }
    }
}
