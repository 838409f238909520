package dev.comfy4j.nodes.modelpatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.support.ModelFolderServer;
import dev.comfy4j.support.TestCheckpoints;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TomePatchModel through the engine over HTTP on the random SD1.5 checkpoint (64x64, two euler steps; a tiny checkpoint's
 * CLIP does not fit the real tokenizer's text model): ratio 0 gives
 * exactly the unpatched image, a ratio above 0 another one, and a run repeated after a run with another seed gives
 * the same image again (each run draws from its own generator, seeded and advanced by its noise, never from state
 * a previous prompt left). A ratio of NaN fails the node with a clear error.
 */
class TomePatchModelOverHttpTest {
    @TempDir static Path base;
    @AutoClose private static ModelFolderServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ModelFolderServer.start(base);
    }

    private static String workflow(String ratio, long seed) {
        String model = ratio == null ? "[\"1\", 0]" : "[\"9\", 0]";
        String node = ratio == null ? "" : "\"9\": {\"class_type\": \"TomePatchModel\", \"inputs\": {\"model\": [\"1\", 0], \"ratio\": " + ratio + "}},";
        return """
            {%s"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a bottle on a table", "clip": ["1", 1]}},
             "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
             "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "5": {"class_type": "KSampler", "inputs": {"model": %s, "positive": ["2", 0], "negative": ["3", 0],
                   "latent_image": ["4", 0], "seed": %d, "steps": 2, "cfg": 7.0, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1.0}},
             "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
             "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "tome"}}}
            """.formatted(node, TestCheckpoints.SD15_NAME, model, seed);
    }

    private static JsonNode run(String prompt) {
        return server.run(prompt);
    }

    private static int[] pixels(JsonNode entry) throws Exception {
        return server.pixels(entry, "7");
    }

    @Test
    void mergesTokensWithTheRunsOwnRandomness() throws Exception {
        int[] plain = pixels(run(workflow(null, 42)));
        assertThat(pixels(run(workflow("0.0", 42)))).isEqualTo(plain);
        int[] merged = pixels(run(workflow("0.5", 42)));
        assertThat(merged).isNotEqualTo(plain);
        assertThat(pixels(run(workflow("0.5", 43)))).isNotEqualTo(merged);
        assertThat(pixels(run(workflow("0.5", 42)))).isEqualTo(merged);
    }

    @Test
    void aNanRatioFailsTheNode() throws Exception {
        JsonNode entry = run(workflow("NaN", 42));
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("error");
        assertThat(entry.toString()).contains("ratio must be a finite number");
    }
}
