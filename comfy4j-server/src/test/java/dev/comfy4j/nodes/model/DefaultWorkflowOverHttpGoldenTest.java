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
 * ComfyUI's default text-to-image workflow (64x64, 4 euler/normal steps, seed 42) posted over HTTP
 * exactly as the golden run posted it: the PNG SaveImage writes equals ComfyUI's
 * (shared/golden/numeric/png/euler_normal_b0.png) within 1 level per pixel value.
 */
class DefaultWorkflowOverHttpGoldenTest {
    @TempDir static Path base;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        SharedFiles.require("golden/numeric/png/euler_normal_b0.png");
        ModelFolder.layOut(base);
        server = TestServer.start(TestServer.config(base));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theSavedImageEqualsComfyUIsWithinOneLevel() throws Exception {
        JsonNode run = SharedFiles.json("golden/numeric/manifest.json").get("png").get("runs").get(0);
        assertThat(run.get("run").asText()).isEqualTo("euler_normal");
        var response = server.post("/prompt", Json.write(run.get("posted_body")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode entry = server.waitForHistory(TestServer.json(response).get("prompt_id").asText(), 900_000);
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("success");
        JsonNode image = entry.get("outputs").get("9").get("images").get(0);
        Path saved = base.resolve("output").resolve(image.get("subfolder").asText()).resolve(image.get("filename").asText());
        BufferedImage ours = ImageIO.read(saved.toFile());
        BufferedImage theirs = ImageIO.read(Files.newInputStream(SharedFiles.require("golden/numeric/png/euler_normal_b0.png")));
        assertThat(PixelDifference.largest(ours, theirs)).as("largest per-channel difference").isLessThanOrEqualTo(1);
    }
}
