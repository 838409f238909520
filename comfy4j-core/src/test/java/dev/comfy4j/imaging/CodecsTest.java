package dev.comfy4j.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PNG and WebP writers and the PNG text reader. */
class CodecsTest {
    @Test
    void pngRoundTripKeepsPixelsAndText() {
        int[] px = {0xff000000, 0x80ffffff, 0x00123456, 0xfffedcba, 0x7f7f7f7f, 0xff010203};
        Map<String, String> text = new LinkedHashMap<>();
        text.put("prompt", "{\"1\": {}}");
        text.put("title", "caf\u00e9");
        text.put("emoji", "\u2603");
        byte[] png = PngWriter.encode(3, 2, px, true, text, 9);
        assertThat(DecodedImage.decode(png).orElseThrow().argb()).containsExactly(px);
        assertThat(DecodedImage.decode(png).orElseThrow().rgbaMode()).isTrue();
        assertThat(PngText.read(png)).containsExactlyEntriesOf(text);
        byte[] rgb = PngWriter.encode(3, 2, px, false, Map.of(), 0);
        assertThat(DecodedImage.decode(rgb).orElseThrow().rgbaMode()).isFalse();
        assertThat(PngText.read("not a png".getBytes())).isEmpty();
    }

    @Test
    void saveImageMetadataChunks() {
        ObjectNode prompt = Json.object();
        prompt.putObject("9").put("class_type", "SaveImage");
        ObjectNode extra = Json.object();
        extra.putObject("workflow").put("name", "\u00e9t\u00e9");
        byte[] png = PngMetadata.png(1, 1, new int[] {0xff000000}, false, prompt, extra, false, 4);
        Map<String, String> text = PngText.read(png);
        assertThat(text.keySet()).containsExactly("prompt", "workflow");
        // json.dumps: ", " and ": " separators and lower-case hex escapes, as ComfyUI writes the chunk
        assertThat(text.get("workflow")).isEqualTo("{\"name\": \"\\u00e9t\\u00e9\"}");
        assertThat(PngText.read(PngMetadata.png(1, 1, new int[] {0}, false, prompt, extra, true, 4))).isEmpty();
    }

    @Test
    void webpIsAValidLosslessRiffContainer() {
        int[] px = new int[40 * 30];
        for (int i = 0; i < px.length; i++) px[i] = 0xff000000 | (i * 2654435761L > 0 ? (int) (i * 2654435761L) & 0xffffff : i);
        byte[] webp = ImageEncoders.webp(40, 30, px, false);
        assertThat(new String(webp, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(webp, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("WEBPVP8L");
        int riffSize = (webp[4] & 0xff) | (webp[5] & 0xff) << 8 | (webp[6] & 0xff) << 16 | (webp[7] & 0xff) << 24;
        assertThat(riffSize).isEqualTo(webp.length - 8);
        assertThat(webp[20] & 0xff).isEqualTo(0x2f);
        int bits = (webp[21] & 0xff) | (webp[22] & 0xff) << 8 | (webp[23] & 0xff) << 16 | (webp[24] & 0xff) << 24;
        assertThat((bits & 0x3fff) + 1).isEqualTo(40);
        assertThat(((bits >>> 14) & 0x3fff) + 1).isEqualTo(30);
    }

    @Test
    void huffmanLengthsAreLimitedAndComplete() {
        int[] histogram = new int[280];
        for (int i = 0; i < 256; i++) histogram[i] = 1 << Math.min(i / 8, 30);
        int[] lengths = WebpLosslessEncoder.codeLengths(histogram, 15);
        double kraft = 0;
        for (int len : lengths) {
            assertThat(len).isBetween(0, 15);
            if (len > 0) kraft += Math.pow(2, -len);
        }
        assertThat(kraft).isEqualTo(1.0);
    }
}
