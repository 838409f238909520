package dev.comfy4j.server.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compares answers with the real ComfyUI's recorded ones in ../shared/conformance (skipped without it). */
class RecordedAnswersTest {
    private static final Path CASES = Path.of("..", "shared", "conformance", "cases");

    @TempDir
    Path base;

    private static JsonNode recordedStep(String file, int step) throws Exception {
        Path path = CASES.resolve(file);
        assumeTrue(Files.isRegularFile(path), "the shared conformance cases are not present beside the repository: " + path);
        return Json.parse(Files.readString(path)).get("steps").get(step).get("expect");
    }

    @Test
    void modelFolderNamesMatchTheReference() throws Exception {
        JsonNode expect = recordedStep("1003_models_folders.json", 0);
        try (ServerHarness server = new ServerHarness(ServerConfig.defaults(base))) {
            assertThat(Json.parse(ServerHarness.text(server.get("/models")))).isEqualTo(expect.get("json"));
        }
    }

    @Test
    void userdataErrorTextsMatchTheReference() throws Exception {
        String[] paths = {"/userdata", "/userdata?dir=..%2F..", "/userdata?dir=conf_pub_no_such_dir"};
        try (ServerHarness server = new ServerHarness(ServerConfig.defaults(base))) {
            for (int i = 0; i < paths.length; i++) {
                JsonNode expect = recordedStep("9003_userdata_errors.json", i);
                var answer = server.get(paths[i]);
                assertThat(answer.statusCode()).isEqualTo(expect.get("status").asInt());
                assertThat(ServerHarness.text(answer)).isEqualTo(expect.get("text").asText());
            }
        }
    }
}
