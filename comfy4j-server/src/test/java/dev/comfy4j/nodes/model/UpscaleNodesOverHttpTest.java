package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.upscale.TiledUpscale;
import dev.comfy4j.model.upscale.TinyUpscaleModels;
import dev.comfy4j.model.upscale.UpscaleModel;
import dev.comfy4j.model.upscale.UpscaleModels;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoadImage -> UpscaleModelLoader / ImageUpscaleWithModel -> SaveImage over real HTTP with random-weight
 * models in {@code models/upscale_models}: a Real-ESRGAN x2 .pth and a Compact x4 .safetensors write
 * images of twice and four times the size whose pixels are the upscale computed directly; the
 * WebSocket carries one progress message per tile; a file of an unknown layout ends its prompt with
 * spandrel's error naming the file, and the next prompt runs.
 */
class UpscaleNodesOverHttpTest {
    @TempDir static Path base;
    private static TestServer server;
    private static Path models;

    @BeforeAll
    static void start() throws Exception {
        models = Files.createDirectories(base.resolve("models/upscale_models"));
        TinyUpscaleModels.pth(models.resolve("RealESRGAN_x2_tiny.pth"),
                TinyUpscaleModels.Rrdb.random(31, 12, 3, 4, 8, 1, 2, false).newLayout(), "params_ema");
        TinyUpscaleModels.safetensors(models.resolve("compact_x4_tiny.safetensors"),
                TinyUpscaleModels.compact(32, 3, 3, 4, 1, 4, false), false);
        try (TensorScope ignored = TensorScope.open()) {
            SafetensorsWriter.write(models.resolve("swinir.safetensors"), Map.of("layers.0.residual_group.blocks.0.norm1.weight",
                    Tensor.fromFloats(new float[] {1, 2}, 2)), Map.of());
        }
        Path input = Files.createDirectories(base.resolve("input"));
        writePng(input.resolve("small.png"), 37, 29, 1);
        writePng(input.resolve("large.png"), 600, 540, 2);
        server = TestServer.start(TestServer.config(base));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static void writePng(Path file, int w, int h, long seed) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        ImageIO.write(img, "png", file.toFile());
    }

    private static String workflow(String model, String image) {
        return """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
             "2": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "%s"}},
             "3": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["2", 0], "image": ["1", 0]}},
             "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "upscaled"}}}
            """.formatted(image, model);
    }

    private static JsonNode run(String prompt) throws Exception {
        var response = server.post("/prompt", "{\"prompt\": " + prompt + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return server.waitForHistory(TestServer.json(response).get("prompt_id").asText(), 300_000);
    }

    private static BufferedImage saved(JsonNode entry) throws Exception {
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("success");
        JsonNode image = entry.get("outputs").get("4").get("images").get(0);
        return ImageIO.read(base.resolve("output").resolve(image.get("filename").asText()).toFile());
    }

    @Test
    void theSavedImageIsTheModelsUpscaleAtScaleTimesTheSize() throws Exception {
        for (String name : new String[] {"RealESRGAN_x2_tiny.pth", "compact_x4_tiny.safetensors"}) {
            BufferedImage out = saved(run(workflow(name, "small.png")));
            try (UpscaleModel model = UpscaleModels.load(models.resolve(name), Device.CPU); TensorScope ignored = TensorScope.open()) {
                int s = model.scale();
                assertThat(s).isEqualTo(name.contains("x2") ? 2 : 4);
                assertThat(out.getWidth()).isEqualTo(37 * s);
                assertThat(out.getHeight()).isEqualTo(29 * s);
                // LoadImage gives pixel / 255; SaveImage writes clip(255 * v) truncated to 8 bits
                BufferedImage in = ImageIO.read(base.resolve("input/small.png").toFile());
                float[] pixels = new float[29 * 37 * 3];
                for (int y = 0; y < 29; y++) {
                    for (int x = 0; x < 37; x++) {
                        int rgb = in.getRGB(x, y);
                        for (int c = 0; c < 3; c++) pixels[(y * 37 + x) * 3 + c] = ((rgb >> (16 - 8 * c)) & 255) / 255f;
                    }
                }
                float[] expected = TiledUpscale.run(model, Tensor.fromFloats(pixels, 1, 29, 37, 3), (d, t) -> {}).toFloatArray();
                int worst = 0, inside = 0;
                for (int y = 0; y < out.getHeight(); y++) {
                    for (int x = 0; x < out.getWidth(); x++) {
                        int rgb = out.getRGB(x, y);
                        for (int c = 0; c < 3; c++) {
                            float e = expected[(y * out.getWidth() + x) * 3 + c];
                            if (e > 0 && e < 1) inside++;
                            worst = Math.max(worst, Math.abs(((rgb >> (16 - 8 * c)) & 255) - (int) (e * 255)));
                        }
                    }
                }
                assertThat(worst).as(name).isLessThanOrEqualTo(1);
                assertThat(inside).as("unsaturated values").isGreaterThan(expected.length / 10);
            }
        }
    }

    @Test
    void progressIsSentPerTile() throws Exception {
        try (WsClient ws = server.websocket("upscaler")) {
            ws.next();
            var response = server.post("/prompt", "{\"client_id\": \"upscaler\", \"prompt\": "
                    + workflow("compact_x4_tiny.safetensors", "large.png") + "}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            List<WsClient.Message> messages = ws.until(m -> m.type().equals("executing") && m.json().get("data").get("node").isNull());
            List<String> progress = new ArrayList<>();
            for (WsClient.Message m : messages) {
                if (m.type().equals("progress")) {
                    JsonNode d = m.json().get("data");
                    assertThat(d.get("node").asText()).isEqualTo("3");
                    progress.add(d.get("value").asInt() + "/" + d.get("max").asInt());
                }
            }
            // 540 x 600 in tiles of 512 overlapping by 32: range(0, 508, 480) x range(0, 568, 480) = 2 x 2
            assertThat(progress).containsExactly("1/4", "2/4", "3/4", "4/4");
            String promptId = TestServer.json(response).get("prompt_id").asText();
            BufferedImage out = saved(server.waitForHistory(promptId, 300_000));
            assertThat(out.getWidth()).isEqualTo(2400);
            assertThat(out.getHeight()).isEqualTo(2160);
        }
    }

    @Test
    void aModelOfAnUnknownLayoutFailsItsLoaderNamingTheFile() throws Exception {
        JsonNode entry = run(workflow("swinir.safetensors", "small.png"));
        assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
        JsonNode error = null;
        for (JsonNode m : entry.get("status").get("messages")) {
            if (m.get(0).asText().equals("execution_error")) error = m.get(1);
        }
        assertThat(error).as(entry.toString()).isNotNull();
        assertThat(error.get("node_id").asText()).isEqualTo("2");
        assertThat(error.get("node_type").asText()).isEqualTo("UpscaleModelLoader");
        assertThat(error.get("exception_type").asText()).isEqualTo("spandrel.__helpers.registry.UnsupportedModelError");
        assertThat(error.get("exception_message").asText())
                .startsWith("swinir.safetensors: the upscale model's layout is not supported");
        assertThat(Json.write(error)).doesNotContain(base.toString());

        // V3 combos are not checked against their options (as in ComfyUI): the loader refuses a name outside its folder
        JsonNode outside = run(workflow("../../input/small.png", "small.png"));
        assertThat(outside.get("status").get("status_str").asText()).isEqualTo("error");
        assertThat(outside.toString()).contains("FileNotFoundError",
                "Model in folder 'upscale_models' with filename '../../input/small.png' not found.");
        BufferedImage next = saved(run(workflow("compact_x4_tiny.safetensors", "small.png")));
        assertThat(next.getWidth()).isEqualTo(148);
    }

    @Test
    void theLoaderListsTheUpscaleModelsFolder() {
        JsonNode info = TestServer.json(server.get("/object_info/UpscaleModelLoader"));
        JsonNode options = info.get("UpscaleModelLoader").get("input").get("required").get("model_name").get(1).get("options");
        List<String> names = new ArrayList<>();
        options.forEach(n -> names.add(n.asText()));
        assertThat(names).containsExactly("RealESRGAN_x2_tiny.pth", "compact_x4_tiny.safetensors", "swinir.safetensors");
    }
}
