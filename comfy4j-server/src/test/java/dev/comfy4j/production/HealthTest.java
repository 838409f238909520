package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /healthz} and {@code /readyz} over real HTTP, with the SQLite store. */
class HealthTest {
    @TempDir Path base;

    @Test
    void healthzAnswersOkAndReadyzReportsEachCheck() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        try (TestServer server = TestServer.start(TestServer.config(base).withDatabase(base.resolve("jobs.db")),
                c -> engine)) {
            HttpResponse<String> health = server.get("/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(TestServer.json(health).get("status").asText()).isEqualTo("ok");
            assertThat(server.get("/api/healthz").statusCode()).isEqualTo(200);

            // libtorch loads in the background: ready once it has, the worker runs and the store writes.
            JsonNode ready = null;
            for (int i = 0; i < 600; i++) {
                HttpResponse<String> r = server.get("/readyz");
                ready = TestServer.json(r);
                if (r.statusCode() == 200) break;
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(ready.get("status").asText()).isEqualTo("not_ready");
                Thread.sleep(100);
            }
            assertThat(ready.get("status").asText()).isEqualTo("ready");
            assertThat(ready.get("checks").properties()).extracting(java.util.Map.Entry::getKey)
                    .containsExactly("tensor_runtime", "job_store", "worker", "accepting_prompts");
            ready.get("checks").forEach(v -> assertThat(v.booleanValue()).isTrue());

        }
    }

    @Test
    void aFailingOrThrowingCheckMakesTheServerNotReady() {
        var results = new dev.comfy4j.server.health.Readiness()
                .add("fine", () -> true)
                .add("down", () -> false)
                .add("broken", () -> { throw new IllegalStateException("disk gone"); })
                .run();
        assertThat(results).containsExactly(java.util.Map.entry("fine", true), java.util.Map.entry("down", false),
                java.util.Map.entry("broken", false));
    }
}
