package dev.comfy4j.imaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.python.PyJson;
import dev.comfy4j.python.PyValues;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text chunks SaveImage puts into its PNGs (API spec §13.4): {@code prompt} with the API prompt,
 * then one chunk per key of {@code extra_pnginfo} (the frontend sends {@code workflow}). The JSON is
 * ASCII-escaped like Python's json.dumps, so plain {@code tEXt} always holds it. Nothing with
 * {@code --disable-metadata}.
 */
public final class PngMetadata {
    private PngMetadata() {}

    public static Map<String, String> textChunks(JsonNode prompt, JsonNode extraPnginfo, boolean disableMetadata) {
        Map<String, String> text = new LinkedHashMap<>();
        if (disableMetadata) return text;
        if (prompt != null && !prompt.isNull() && !prompt.isMissingNode()) text.put("prompt", pythonJson(prompt));
        if (extraPnginfo != null && extraPnginfo.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = extraPnginfo.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                text.put(e.getKey(), pythonJson(e.getValue()));
            }
        }
        return text;
    }

    /** ComfyUI writes the chunks with Python's {@code json.dumps}: ", " and ": " separators, ASCII escapes. */
    private static String pythonJson(JsonNode node) {
        return PyJson.dumps(PyValues.fromJson(node));
    }

    /** A PNG of the pixels with those chunks; SaveImage uses level 4, PreviewImage level 1. */
    public static byte[] png(int width, int height, int[] argb, boolean withAlpha, JsonNode prompt, JsonNode extraPnginfo,
            boolean disableMetadata, int compressionLevel) {
        return PngWriter.encode(width, height, argb, withAlpha, textChunks(prompt, extraPnginfo, disableMetadata),
                compressionLevel);
    }
}
