package dev.comfy4j.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
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
 * characters are escaped as {@code \\uXXXX}, like {@code json.dumps}. {@code NaN}, {@code Infinity} and
 * {@code -Infinity} are read and written as Python does. Reading is limited only by the input's size,
 * {@link #MAX_NESTING_DEPTH} and {@link #MAX_NUMBER_LENGTH}.
 */
public final class Json {
    /**
     * The deepest nesting of arrays and objects a document may have. Python's parser gives up near its
     * recursion limit (1000 frames, ComfyUI answers 500); deeper documents get a clear error here.
     */
    public static final int MAX_NESTING_DEPTH = 1000;
    /** The most digits a number may have: Python's limit for converting a decimal string to int. */
    public static final int MAX_NUMBER_LENGTH = 4300;

    public static final ObjectMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder()
                            // Strings and names as long as the input: the request body limit
                            // (--max-upload-size) and the size of a file are the only bounds, as in Python.
                            .streamReadConstraints(StreamReadConstraints.builder()
                                    .maxStringLength(Integer.MAX_VALUE)
                                    .maxNameLength(Integer.MAX_VALUE)
                                    .maxNumberLength(MAX_NUMBER_LENGTH)
                                    .maxNestingDepth(MAX_NESTING_DEPTH)
                                    .build())
                            // Answers wrap what clients sent (history: id, entry, prompt tuple, extra_data).
                            .streamWriteConstraints(StreamWriteConstraints.builder()
                                    .maxNestingDepth(MAX_NESTING_DEPTH + 100)
                                    .build())
                            .addDecorator((factory, generator) -> new PythonNumbers(generator)).build())
            // NaN, Infinity and -Infinity, which Python's json module reads and writes.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
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

    /**
     * Parses JSON text as Python's {@code json.loads} does: one value, optionally surrounded by
     * whitespace ({@code "Extra data"} after it is an error). Empty text gives a missing node. Malformed
     * input throws {@link InvalidJsonException}, whose message reads like Python's
     * ({@code "Extra data: line 1 column 4 (char 3)"}) and never names parser internals.
     */
    public static JsonNode parse(String text) throws InvalidJsonException {
        JsonParser parser = null;
        try {
            parser = MAPPER.createParser(text);
            JsonNode node = MAPPER.readTree(parser);
            if (node == null) return MissingNode.getInstance();
            int end = (int) parser.currentLocation().getCharOffset();
            for (int i = Math.max(end, 0); i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') throw InvalidJsonException.at("Extra data", text, i);
            }
            return node;
        } catch (InvalidJsonException e) {
            throw e;
        } catch (JsonProcessingException e) {
            // Some errors (nesting depth) carry no location; the parser still knows where it stopped.
            long stoppedAt = parser == null ? -1 : parser.currentLocation().getCharOffset();
            throw InvalidJsonException.from(e, text, stoppedAt);
        } catch (IOException e) {
            throw new IllegalStateException("reading a String cannot fail", e);
        } finally {
            if (parser != null) closeQuietly(parser);
        }
    }

    private static void closeQuietly(JsonParser parser) {
        try {
            parser.close();
        } catch (IOException e) {
            // a String source has nothing to release
        }
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
