package dev.comfy4j.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesServicesTest {
    @TempDir
    Path dir;

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
        // Python's json.dumps: ", " / ": " separators and lower-case \\u escapes, as ComfyUI writes them.
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

    @Test
    void outputNamingCountsAndRefusesToLeaveTheFolder() throws Exception {
        Files.createDirectories(dir.resolve("out/portraits"));
        Files.writeString(dir.resolve("out/portraits/img_00007_.png"), "");
        Files.writeString(dir.resolve("out/portraits/img_abc_.png"), "");
        Files.writeString(dir.resolve("out/portraits/other_00099_.png"), "");
        OutputNaming.Target t = OutputNaming.resolve("portraits/img", dir.resolve("out"), 64, 32);
        assertThat(t.subfolder()).isEqualTo("portraits");
        assertThat(t.counter()).isEqualTo(8);
        assertThat(t.fileName(0, "png")).isEqualTo("img_00008_.png");
        assertThat(t.fileName(1, "png")).isEqualTo("img_00009_.png");
        OutputNaming.Target sized = OutputNaming.resolve("%width%x%height%/%year%-%month%", dir.resolve("out"), 64, 32,
                LocalDateTime.of(2025, 3, 4, 5, 6, 7));
        assertThat(sized.subfolder()).isEqualTo("64x32");
        assertThat(sized.filename()).isEqualTo("2025-03");
        assertThat(sized.counter()).isEqualTo(1);
        assertThat(OutputNaming.resolve("ComfyUI", dir.resolve("out"), 1, 1).subfolder()).isEqualTo("");
        assertThat(OutputNaming.uiResult("a_00001_.png", "", "output").toString())
                .isEqualTo("{\"filename\":\"a_00001_.png\",\"subfolder\":\"\",\"type\":\"output\"}");
        assertThatThrownBy(() -> OutputNaming.resolve("../escape/img", dir.resolve("out"), 1, 1))
                .isInstanceOf(OutputNaming.OutsideOutputFolderException.class)
                .hasMessageStartingWith("**** ERROR: Saving image outside the output folder is not allowed.");
    }

    @Test
    void modelRegistryListsFiltersAndReadsExtraPaths() throws Exception {
        Path models = dir.resolve("models");
        Files.createDirectories(models.resolve("loras/sub"));
        Files.writeString(models.resolve("loras/b.SAFETENSORS"), "");
        Files.writeString(models.resolve("loras/sub/a.pt"), "");
        Files.writeString(models.resolve("loras/readme.md"), "");
        Files.createDirectories(models.resolve("classifiers"));
        Files.writeString(models.resolve("classifiers/plain"), "");
        Files.writeString(models.resolve("classifiers/x.bin"), "");
        Path extra = Files.createDirectories(dir.resolve("elsewhere/my_loras"));
        Files.writeString(extra.resolve("z.safetensors"), "");
        Files.writeString(dir.resolve("extra_model_paths.yaml"), """
                mine:
                    base_path: elsewhere
                    is_default: true
                    loras: |
                        my_loras
                        other_loras
                    brand_new: new_folder
                """);
        ModelFolders registry = ModelFolders.standard(dir, models);
        ExtraModelPaths.load(dir.resolve("extra_model_paths.yaml"), registry);
        registry.addOutputSearchPaths(dir.resolve("output"));
        assertThat(registry.searchPaths("loras")).containsExactly(dir.resolve("elsewhere/other_loras"),
                dir.resolve("elsewhere/my_loras"), models.resolve("loras"), dir.resolve("output/loras"));
        assertThat(registry.filenames("loras")).containsExactly("b.SAFETENSORS", "sub/a.pt", "z.safetensors");
        assertThat(registry.filenames("classifiers")).containsExactly("plain");
        assertThat(registry.names()).endsWith("audio_encoders", "brand_new");
        assertThat(registry.searchPaths("clip")).isEqualTo(registry.searchPaths("text_encoders"));
        assertThat(registry.fullPath("loras", "sub/a.pt")).hasValue(models.resolve("loras/sub/a.pt"));
        assertThat(registry.fullPath("loras", "../../loras/sub/a.pt")).isEmpty();
        assertThat(registry.fullPath("unknown", "a.pt")).isEmpty();
        assertThat(registry.contains("unet")).isFalse();
    }

    @Test
    void multipartParsesFieldsFilesAndQuotedNames() {
        byte[] body = Multipart.build("b0undary", List.of(
                new Multipart.Part("image", "a \"q\".png", "image/png", new byte[] {1, 2, 3}),
                new Multipart.Part("type", null, null, "temp".getBytes()),
                new Multipart.Part("empty", "e.bin", null, new byte[0])));
        List<Multipart.Part> parts = Multipart.parse(body, "b0undary", 100);
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).data()).containsExactly(1, 2, 3);
        assertThat(parts.get(1).isFile()).isFalse();
        assertThat(parts.get(1).text()).isEqualTo("temp");
        assertThat(parts.get(2).isFile()).isTrue();
        assertThat(parts.get(2).data()).isEmpty();
        assertThat(Multipart.boundary("multipart/form-data; boundary=\"x y\"")).hasValue("x y");
        assertThat(Multipart.boundary("application/json")).isEmpty();
        assertThat(Multipart.param("form-data; name=\"f\"; filename*=UTF-8''na%C3%AFve.png", "filename")).isEqualTo("na\u00efve.png");
    }

    @Test
    void pathHelpers() {
        assertThat(SafePaths.extension("a/b.tar.gz")).isEqualTo(".gz");
        assertThat(SafePaths.extension(".bashrc")).isEmpty();
        assertThat(SafePaths.extension("dir.d/file")).isEmpty();
        assertThat(Users.percentDecode("a%2Fb%zz%")).isEqualTo("a/b%zz%");
        assertThat(Folders.annotated("x.png [output]")).isEqualTo(new Folders.AnnotatedName("x.png", "output"));
        assertThat(Folders.annotated("x.png[temp]").type()).isNull();
    }
}
