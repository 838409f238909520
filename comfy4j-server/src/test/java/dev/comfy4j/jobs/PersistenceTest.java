package dev.comfy4j.jobs;

import static dev.comfy4j.support.Prompts.body;
import static dev.comfy4j.support.Prompts.prompt;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue and history survive restarts in the embedded SQLite database. */
class PersistenceTest {
    @TempDir Path base;

    private ServerConfig config() {
        return ServerConfig.defaults(base);
    }

    @Test
    void historyAndPendingPromptsOutliveARestart() throws Exception {
        ScriptedEngine first = new ScriptedEngine();
        String done;
        String waiting;
        try (TestServer server = TestServer.start(config(), c -> first)) {
            done = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("prompt_id").asText();
            server.waitForHistory(done);
            // A gate that is never released keeps the worker busy, so the next prompt stays pending.
            String blocking = TestServer.json(server.postJson("/prompt", body(prompt("Gate", "Out")))).get("prompt_id").asText();
            ObjectNode pending = body(prompt("Out"));
            pending.putObject("extra_data").put("api_key_comfy_org", "never-on-disk");
            waiting = TestServer.json(server.postJson("/prompt", pending)).get("prompt_id").asText();
            assertThat(blocking).isNotEqualTo(waiting);
        }
        assertThat(Files.exists(base.resolve("comfy4j.db"))).isTrue();
        assertThat(new String(Files.readAllBytes(base.resolve("comfy4j.db")), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("never-on-disk");

        ScriptedEngine second = new ScriptedEngine();
        try (TestServer server = TestServer.start(config(), c -> second)) {
            assertThat(server.waitForHistory(done).get("status").get("status_str").asText()).isEqualTo("success");
            JsonNode rerun = server.waitForHistory(waiting);
            assertThat(rerun.get("status").get("status_str").asText()).isEqualTo("success");
            assertThat(second.executedPrompts()).contains(waiting);
            JsonNode counter = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("number");
            assertThat(counter.asLong()).isEqualTo(3);
        }
    }

    @Test
    void aPromptRunningWhenTheProcessDiedIsRecordedAsInterrupted() throws Exception {
        Path db = base.resolve("comfy4j.db");
        ObjectNode extra = Json.object();
        extra.put("client_id", "c1");
        // What a killed process leaves behind: one item marked running, one pending.
        try (SqliteJobStore store = new SqliteJobStore(db)) {
            store.addPending(new QueueItem(LongNode.valueOf(0), "was-running", prompt("Out"), extra, List.of("1"), 1));
            store.addPending(new QueueItem(LongNode.valueOf(1), "was-pending", prompt("Out"), extra, List.of("1"), 2));
            store.markRunning(1);
            store.saveCounter(2);
        }
        ScriptedEngine engine = new ScriptedEngine();
        try (TestServer server = TestServer.start(config(), c -> engine)) {
            JsonNode lost = TestServer.json(server.get("/history/was-running")).get("was-running");
            assertThat(lost.get("status").get("status_str").asText()).isEqualTo("error");
            assertThat(lost.get("status").get("completed").asBoolean()).isFalse();
            JsonNode message = lost.get("status").get("messages").get(0);
            assertThat(message.get(0).asText()).isEqualTo("execution_interrupted");
            assertThat(message.get(1).get("reason").asText()).contains("stopped while this prompt was running");
            assertThat(lost.get("prompt").get(3).get("client_id").asText()).isEqualTo("c1");
            assertThat(server.waitForHistory("was-pending").get("status").get("status_str").asText()).isEqualTo("success");
            assertThat(engine.executedPrompts()).containsExactly("was-pending");
        }
    }

    @Test
    void databaseNoneKeepsNothing() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        try (TestServer server = TestServer.start(config().withDatabase(null), c -> engine)) {
            String id = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("prompt_id").asText();
            server.waitForHistory(id);
        }
        assertThat(Files.exists(base.resolve("comfy4j.db"))).isFalse();
        try (TestServer server = TestServer.start(config().withDatabase(null), c -> engine)) {
            assertThat(TestServer.json(server.get("/history"))).isEmpty();
        }
    }

    @Test
    void aSecondServerCannotShareTheJobDatabase() {
        Path db = base.resolve("comfy4j.db");
        try (SqliteJobStore first = new SqliteJobStore(db)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SqliteJobStore(db))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Another comfy4j server is using the job database");
        }
        try (SqliteJobStore again = new SqliteJobStore(db)) {
            assertThat(again.loadQueue()).isEmpty();
        }
    }
}
