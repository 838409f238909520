package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.NodeScripts;
import dev.comfy4j.support.PixelDifference;
import dev.comfy4j.support.TestServer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The npm client libraries ComfyUI users drive it with, unchanged, against comfy4j: each one posts
 * ComfyUI's default text-to-image workflow as recorded in {@code history_entry_t2i_64x64.json} (64x64,
 * seed 42, the random SD1.5 checkpoint), follows it its own way (WebSocket events, history, /view) and
 * hands back the image, which must equal ComfyUI's {@code t2i_64x64_seed42.png} within 1 level.
 * The libraries are installed by {@code .ci/run} with the browser driver ({@code comfy4j-server/src/test/browser/package.json}).
 */
class ClientSdkGoldenTest {
    private static final String[] SDKS = {"comfy-ui-client", "@stable-canvas/comfyui-client", "@saintno/comfyui-sdk"};

    @TempDir static Path base;
    private static TestServer server;
    private static Path promptFile;

    @BeforeAll
    static void start() throws Exception {
        NodeScripts.require(SDKS);
        JsonNode recorded = SharedFiles.json("golden/comfyui/history_entry_t2i_64x64.json");
        promptFile = base.resolve("prompt.json");
        Files.writeString(promptFile, Json.write(recorded.elements().next().get("prompt").get(2)));
        ModelFolder.layOut(base);
        server = TestServer.start(TestServer.config(base));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"comfy-ui-client", "@stable-canvas/comfyui-client", "@saintno/comfyui-sdk"})
    void theLibraryGetsComfyUIsImage(String sdk) throws Exception {
        Path out = base.resolve(sdk.replaceAll("[^a-z-]", "_") + ".png");
        String report = NodeScripts.run("run-client-sdk.mjs",
                List.of(sdk, "127.0.0.1:" + server.port(), promptFile.toString(), out.toString()), Map.of(), Duration.ofMinutes(10));
        BufferedImage ours = ImageIO.read(out.toFile());
        assertThat(ours).as(sdk + " returned no PNG (" + report.strip() + ")").isNotNull();
        BufferedImage theirs = ImageIO.read(SharedFiles.require("golden/comfyui/t2i_64x64_seed42.png").toFile());
        assertThat(PixelDifference.largest(ours, theirs)).as(sdk + ": largest per-channel difference").isLessThanOrEqualTo(1);
    }
}
