package dev.comfy4j.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.nodes.model.ModelFolder;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;

/**
 * A {@link TestServer} over a base folder laid out with the random SD1.5 checkpoint ({@link ModelFolder}), for
 * the tests that run workflows over HTTP: it posts prompts, waits for their history entries and reads the
 * images and errors they end with. Skips the calling test when the checkpoint or ../shared is absent.
 */
public final class ModelFolderServer implements AutoCloseable {
    /** How long a prompt that samples on the random checkpoint may take on a loaded CPU. */
    private static final long PROMPT_TIMEOUT_MILLIS = 600_000;

    /** Writes what a test adds to the laid-out folder (model files, input images) before the server starts. */
    @FunctionalInterface
    public interface FolderFiles {
        FolderFiles NONE = base -> {};

        void write(Path base) throws Exception;
    }

    private final Path base;
    private final TestServer server;

    private ModelFolderServer(Path base, TestServer server) {
        this.base = base;
        this.server = server;
    }

    /** The server over {@code base} laid out with the checkpoint alone. */
    public static ModelFolderServer start(Path base) throws Exception {
        return start(base, FolderFiles.NONE);
    }

    /** The server over {@code base} laid out with the checkpoint and what {@code files} writes. */
    public static ModelFolderServer start(Path base, FolderFiles files) throws Exception {
        return start(base, files, UnaryOperator.identity());
    }

    /** As {@link #start(Path, FolderFiles)}, with the test's settings ({@code configure}) over the defaults. */
    public static ModelFolderServer start(Path base, FolderFiles files, UnaryOperator<ServerConfig> configure) throws Exception {
        ModelFolder.layOut(base);
        files.write(base);
        return new ModelFolderServer(base, TestServer.start(configure.apply(TestServer.config(base))));
    }

    public Path base() {
        return base;
    }

    /** The server itself, for requests other than prompts. */
    public TestServer http() {
        return server;
    }

    /** Queues {@code prompt} (a workflow in API format) and returns its history entry once it has run. */
    public JsonNode run(String prompt) {
        return submit("{\"prompt\": " + prompt + "}");
    }

    /** Posts {@code body} to {@code /prompt} (the prompt and its extra data) and returns its history entry once it has run. */
    public JsonNode submit(String body) {
        var response = server.post("/prompt", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return server.waitForHistory(TestServer.json(response).get("prompt_id").asText(), PROMPT_TIMEOUT_MILLIS);
    }

    /** The ARGB pixels of the first image node {@code saveNode} saved in a prompt that must have succeeded. */
    public int[] pixels(JsonNode entry, String saveNode) throws Exception {
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("success");
        JsonNode image = entry.get("outputs").get(saveNode).get("images").get(0);
        BufferedImage decoded = ImageIO.read(base.resolve("output").resolve(image.get("filename").asText()).toFile());
        return decoded.getRGB(0, 0, decoded.getWidth(), decoded.getHeight(), null, 0, decoded.getWidth());
    }

    /** The {@code execution_error} message of a prompt that must have failed. */
    public static JsonNode executionError(JsonNode entry) {
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("error");
        JsonNode error = null;
        for (JsonNode m : entry.get("status").get("messages")) {
            if (m.get(0).asText().equals("execution_error")) error = m.get(1);
        }
        assertThat(error).as(entry.toString()).isNotNull();
        return error;
    }

    @Override
    public void close() {
        server.close();
    }
}
