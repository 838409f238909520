package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.PixelDifference;
import dev.comfy4j.support.TestServer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's default text-to-image workflow with the random SDXL checkpoint (256x256, 4 euler/normal steps,
 * seed 42, cfg 7) posted over HTTP exactly as the golden run posted it: the PNG SaveImage writes equals
 * ComfyUI's (shared/golden/numeric-sdxl/png/euler_normal_b0.png) within 1 level per pixel value. Covers the
 * whole path: checkpoint detection, both text encoders and the pooled output, the y vector the sampler builds
 * from the latent's size, the SDXL latent scale, the VAE and the PNG writer.
 */
class SdxlDefaultWorkflowOverHttpGoldenTest {
    private static final String PNG = "golden/numeric-sdxl/png/euler_normal_b0.png";
    @TempDir static Path base;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        SharedFiles.require(PNG);
        ModelFolder.layOutSdxl(base);
        server = TestServer.start(TestServer.config(base));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theSavedImageEqualsComfyUisWithinOneLevel() throws Exception {
        JsonNode run = SharedFiles.json("golden/numeric-sdxl/manifest.json").get("png").get("runs").get(0);
        assertThat(run.get("run").asText()).isEqualTo("euler_normal");
        long start = System.nanoTime();
        var response = server.post("/prompt", Json.write(run.get("posted_body")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode entry = server.waitForHistory(TestServer.json(response).get("prompt_id").asText(), 1_800_000);
        System.out.printf("SDXL default workflow over HTTP: %.1f s from POST to history (ComfyUI: %.1f s)%n",
                (System.nanoTime() - start) / 1e9, run.get("seconds_post_to_history_done").asDouble());
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("success");
        JsonNode image = entry.get("outputs").get("9").get("images").get(0);
        Path saved = base.resolve("output").resolve(image.get("subfolder").asText()).resolve(image.get("filename").asText());
        BufferedImage ours = ImageIO.read(saved.toFile());
        BufferedImage theirs = ImageIO.read(Files.newInputStream(SharedFiles.require(PNG)));
        int largest = PixelDifference.largest(ours, theirs);
        System.out.printf("largest per-channel difference from ComfyUI's PNG: %d%n", largest);
        assertThat(largest).as("largest per-channel difference").isLessThanOrEqualTo(1);
    }
}
