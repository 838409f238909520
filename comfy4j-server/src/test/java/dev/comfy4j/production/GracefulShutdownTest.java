package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.config.ProductionSettings;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.support.Prompts;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown, driven in-process through {@code App.close()}: exactly what the JVM's shutdown
 * hook runs on SIGTERM ({@code Main} registers {@code app::close}). In-process rather than a
 * subprocess of the built jar because the test must hold a prompt mid-run at a known point (the
 * scripted engine's gate) and look at the server while it drains; a jar subprocess would need a
 * prompt that runs long enough by itself, which on a shared 2-core machine gives a flaky test.
 */
class GracefulShutdownTest {
    @TempDir Path base;

    private ServerConfig config(double timeoutSeconds) {
        return TestServer.config(base).withDatabase(base.resolve("jobs.db"))
                .withProduction(ProductionSettings.defaults().withShutdownTimeout(timeoutSeconds));
    }

    @Test
    void aRunningPromptFinishesNewOnesGet503AndPendingOnesWaitForTheNextStart() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        String running;
        String pending;
        TestServer server = TestServer.start(config(20), c -> engine);
        try {
            running = submit(server, Prompts.prompt("Gate", "Out"));
            pending = submit(server, Prompts.prompt("Out"));
            server.awaitRunning(running);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.app().close());
            awaitStatus(server, "/readyz", 503);
            HttpResponse<String> refused = server.postJson("/prompt", Prompts.body(Prompts.prompt("Out")));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(TestServer.json(refused).get("error").get("type").asText()).isEqualTo("shutting_down");
            assertThat(TestServer.json(server.get("/readyz")).get("checks").get("accepting_prompts").asBoolean()).isFalse();
            assertThat(stopping).isNotDone(); // it waits for the running prompt
            engine.release(1);
            // The server stops as soon as the running prompt is done, so its history is read after the restart
            // (it is kept in the database): polling this server could race with its closing.
            stopping.get(30, TimeUnit.SECONDS);
            assertThat(engine.executedPrompts()).containsExactly(running); // the pending one did not start
        } finally {
            server.close();
        }
        ScriptedEngine next = new ScriptedEngine();
        try (TestServer restarted = TestServer.start(config(20), c -> next)) {
            JsonNode done = restarted.waitForHistory(running);
            assertThat(done.get("status").get("status_str").asText()).isEqualTo("success");
            assertThat(restarted.waitForHistory(pending).get("status").get("status_str").asText()).isEqualTo("success");
            assertThat(next.executedPrompts()).containsExactly(pending);
        }
    }

    @Test
    void aPromptStillRunningAfterTheTimeoutIsRecordedAsInterrupted() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        String running;
        String pending;
        try (TestServer server = TestServer.start(config(0.5), c -> engine)) {
            running = submit(server, Prompts.prompt("Gate", "Out"));
            pending = submit(server, Prompts.prompt("Out"));
            server.awaitRunning(running);
            long start = System.nanoTime();
            server.app().close();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(seconds).isGreaterThanOrEqualTo(0.5).isLessThan(15);
        }
        ScriptedEngine next = new ScriptedEngine();
        try (TestServer restarted = TestServer.start(config(0.5), c -> next)) {
            JsonNode entry = TestServer.json(restarted.get("/history/" + running)).get(running);
            assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
            JsonNode messages = entry.get("status").get("messages");
            assertThat(messages.get(messages.size() - 1).get(0).asText()).isEqualTo("execution_interrupted");
            assertThat(restarted.waitForHistory(pending).get("status").get("status_str").asText()).isEqualTo("success");
            assertThat(next.executedPrompts()).containsExactly(pending);
        }
    }

    private static String submit(TestServer server, com.fasterxml.jackson.databind.node.ObjectNode prompt) {
        HttpResponse<String> r = server.postJson("/prompt", Prompts.body(prompt));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("prompt_id").asText();
    }

    private static void awaitStatus(TestServer server, String path, int status) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (server.get(path).statusCode() == status) return;
            Thread.sleep(20);
        }
        throw new AssertionError(path + " never answered " + status);
    }
}
