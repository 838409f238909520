package dev.comfy4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.nodes.model.ModelFolder;
import dev.comfy4j.support.PixelDifference;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example programs of {@code examples/} (compiled by their own module against comfy4j-core alone,
 * warnings as errors), run on the random SD1.5 checkpoint with ComfyUI's default prompt, write
 * ComfyUI's recorded 64x64 image (within 1 level): the embedded one in this JVM, the remote one
 * against a comfy4j server.
 */
class ExamplesGoldenTest {
    private static final String PROMPT = "beautiful scenery nature glass bottle landscape, , purple galaxy bottle,";

    @TempDir static Path work;

    @Test
    void theEmbeddedExampleWritesComfyUIsImage() throws Exception {
        Path base = ModelFolder.layOut(work.resolve("embedded"));
        Path out = work.resolve("embedded.png");
        run("example.TextToImage", base.toString(), TestCheckpoints.SD15_NAME, PROMPT, out.toString());
        assertMatchesComfyUI(out);
    }

    @Test
    void theRemoteExampleWritesComfyUIsImage() throws Exception {
        Path base = ModelFolder.layOut(work.resolve("server"));
        Path out = work.resolve("remote.png");
        try (TestServer server = TestServer.start(TestServer.config(base))) {
            run("example.RemoteTextToImage", server.url(""), TestCheckpoints.SD15_NAME, PROMPT, out.toString());
        }
        assertMatchesComfyUI(out);
    }

    private static void run(String mainClass, String... args) throws Exception {
        Class.forName(mainClass).getMethod("main", String[].class).invoke(null, (Object) args);
    }

    private static void assertMatchesComfyUI(Path png) throws IOException {
        BufferedImage ours = ImageIO.read(png.toFile());
        BufferedImage theirs = ImageIO.read(SharedFiles.require("golden/comfyui/t2i_64x64_seed42.png").toFile());
        assertThat(PixelDifference.largest(ours, theirs)).isLessThanOrEqualTo(1);
    }
}
