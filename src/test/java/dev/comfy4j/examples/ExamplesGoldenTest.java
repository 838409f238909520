package dev.comfy4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.nodes.model.ModelFolder;
import dev.comfy4j.support.PixelDifference;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example programs of {@code examples/} compile against the library as it is and, run on the random
 * SD1.5 checkpoint with ComfyUI's default prompt, write ComfyUI's recorded 64x64 image (within 1 level):
 * the embedded one in this JVM, the remote one against a comfy4j server.
 */
class ExamplesGoldenTest {
    private static final String PROMPT = "beautiful scenery nature glass bottle landscape, , purple galaxy bottle,";

    @TempDir static Path work;
    private static URLClassLoader examples;

    @BeforeAll
    static void compile() throws IOException {
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                "-Xlint:all,-path", "-Werror"));
        try (Stream<Path> sources = Files.walk(Path.of("examples/src/main/java"))) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, errors, errors, args.toArray(String[]::new));
        assertThat(status).as("javac: " + errors).isZero();
        examples = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ExamplesGoldenTest.class.getClassLoader());
    }

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
        examples.loadClass(mainClass).getMethod("main", String[].class).invoke(null, (Object) args);
    }

    private static void assertMatchesComfyUI(Path png) throws IOException {
        BufferedImage ours = ImageIO.read(png.toFile());
        BufferedImage theirs = ImageIO.read(SharedFiles.require("golden/comfyui/t2i_64x64_seed42.png").toFile());
        assertThat(PixelDifference.largest(ours, theirs)).isLessThanOrEqualTo(1);
    }
}
