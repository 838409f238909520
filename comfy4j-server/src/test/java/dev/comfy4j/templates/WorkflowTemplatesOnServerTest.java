package dev.comfy4j.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.imaging.PngWriter;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shipped template, converted as the editor converts it, passes validation on a real comfy4j
 * server holding the random SD1.5 checkpoint under the template's checkpoint name and an input image
 * {@code example.png} with a transparent hole (the inpainting mask). Skipped, with the reason, while the
 * server lacks a node class the templates use or the checkpoint is absent.
 */
class WorkflowTemplatesOnServerTest {
    static final String CHECKPOINT_NAME = "v1-5-pruned-emaonly-fp16.safetensors";

    @TempDir
    Path base;

    @Test
    void everyTemplateValidatesOnAServerWithTheCheckpoint() throws IOException {
        Map<String, JsonNode> templates = WorkflowTemplatesGoldenTest.templates();
        Path sd15 = TestCheckpoints.sd15Location();
        Path checkpoints = Files.createDirectories(base.resolve("models/checkpoints"));
        if (Files.isRegularFile(sd15)) Files.createSymbolicLink(checkpoints.resolve(CHECKPOINT_NAME), sd15.toAbsolutePath());
        Files.createDirectories(base.resolve("input"));
        Files.write(base.resolve("input/example.png"), imageWithHole());

        try (TestServer server = TestServer.start(TestServer.config(base))) {
            JsonNode objectInfo = TestServer.json(server.get("/object_info"));
            TreeSet<String> missing = new TreeSet<>();
            templates.values().forEach(w -> w.path("nodes").forEach(n -> {
                if (!objectInfo.has(n.path("type").asText())) missing.add(n.path("type").asText());
            }));
            assumeTrue(missing.isEmpty(), "node classes the templates use are not in this server's /object_info yet: "
                    + missing + "; skipping");
            TestCheckpoints.requireSd15();

            for (Map.Entry<String, JsonNode> template : templates.entrySet()) {
                ObjectNode body = Json.object();
                body.set("prompt", UiToApi.convert(template.getValue(), objectInfo));
                body.put("client_id", "templates-test");
                HttpResponse<String> answer = server.postJson("/prompt", body);
                assertThat(answer.statusCode()).as(template.getKey() + ": " + answer.body()).isEqualTo(200);
                assertThat(TestServer.json(answer).path("node_errors").size()).as(template.getKey()).isZero();
                // Validation is what is tested; running SD1.5 at 512 px on a CPU is not.
                server.postJson("/queue", Json.object().put("clear", true));
                server.post("/interrupt", "");
            }
        }
    }

    /** A 64x64 opaque gradient with a transparent 24x24 square in the middle. */
    static byte[] imageWithHole() {
        int size = 64;
        int[] argb = new int[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean hole = x >= 20 && x < 44 && y >= 20 && y < 44;
                argb[y * size + x] = (hole ? 0 : 0xff000000) | (x * 4) << 16 | (y * 4) << 8 | 0x80;
            }
        }
        return PngWriter.encode(size, size, argb, true, Map.of(), 6);
    }
}
