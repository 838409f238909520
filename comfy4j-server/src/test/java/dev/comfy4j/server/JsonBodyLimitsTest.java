package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON request bodies over real HTTP: limited by the body size and a documented nesting depth, read
 * like Python's json.loads (NaN accepted, extra data refused), and refused with plain messages.
 */
class JsonBodyLimitsTest {
    private static final String OUT = "{\"1\": {\"class_type\": \"Out\", \"inputs\": {}}}";

    @TempDir
    Path base;
    private final ScriptedEngine engine = new ScriptedEngine();
    private TestServer server;

    private TestServer start() {
        server = TestServer.start(TestServer.config(base), c -> engine);
        return server;
    }

    @AfterEach
    void stop() {
        engine.release(100);
        if (server != null) server.close();
    }

    private HttpResponse<String> post(String path, String body) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void aStringLongerThanTwentyMillionCharactersIsAcceptedUpToTheBodyLimit() {
        start();
        String big = "x".repeat(20_000_001);
        HttpResponse<String> saved = post("/settings/Big.Value", "\"" + big + "\"");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(server.get("/settings/Big.Value").body()).isEqualTo("\"" + big + "\"");

        HttpResponse<String> queued = post("/prompt", "{\"prompt\": " + OUT + ", \"extra_data\": {\"note\": \"" + big + "\"}}");
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
    }

    @Test
    void theBodyLimitStillApplies() {
        server = TestServer.start(TestServer.config(base).withMaxUploadBytes(1_000_000), c -> engine);
        HttpResponse<String> tooLarge = post("/settings/Big.Value", "\"" + "x".repeat(1_000_000) + "\"");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
    }

    @Test
    void extraDataAfterTheBodyIsRefusedAsPythonRefusesIt() throws Exception {
        start();
        HttpResponse<String> settings = post("/settings/A", "\"a\" x");
        assertThat(settings.statusCode()).isEqualTo(400);
        assertThat(settings.body()).isEqualTo("Invalid JSON body: Extra data: line 1 column 5 (char 4)");
        assertThat(server.get("/settings/A").body()).isEqualTo("null");

        HttpResponse<String> prompt = post("/prompt", "{\"prompt\": " + OUT + "}{}");
        assertThat(prompt.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(prompt)).isEqualTo(Json.parse("""
                {"error": {"type": "invalid_prompt", "message": "Invalid JSON body",
                           "details": "Extra data: line 1 column 55 (char 54)", "extra_info": {}},
                 "node_errors": {}}"""));
        assertThat(TestServer.json(server.get("/queue")).get("queue_pending")).isEmpty();
    }

    @Test
    void badJsonMessagesNameNoParserInternals() {
        start();
        for (String bad : new String[] {"{\"a\": 01}", "{'a': 1}", "{\"a\": +1}", "{\"a\": [1,]}", "{\"a\": \"\\q\"}",
                "{\"a\": 1", "{\"a\": x}", "// c\n{}", "{\"a\": 0x10}", "{\"a\": \"" + "\t" + "\"}"}) {
            for (String path : new String[] {"/settings", "/history", "/queue", "/users"}) {
                HttpResponse<String> answer = post(path, bad);
                assertThat(answer.statusCode()).as(path + " " + bad).isEqualTo(400);
                assertThat(answer.body()).as(path + " " + bad).startsWith("Invalid JSON body: ")
                        .doesNotContain("Feature", "enable", "Constraints", "`", "Source:", "\n");
            }
            HttpResponse<String> prompt = post("/prompt", bad);
            assertThat(prompt.statusCode()).isEqualTo(400);
            assertThat(TestServer.json(prompt).at("/error/details").asText()).as(bad)
                    .doesNotContain("Feature", "enable", "Constraints", "`", "Source:");
        }
    }

    @Test
    void aPromptBodyThatIsNotAnObjectGetsComfyUisNoPromptError() throws Exception {
        start();
        JsonNode noPrompt = Json.parse("""
                {"error": {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided",
                           "extra_info": {}}, "node_errors": {}}""");
        for (String body : new String[] {"[1, 2]", "[\"prompt\"]", "\"abc\"", "\"prompt\"", "5", "1.5", "null", "true", "false"}) {
            HttpResponse<String> answer = post("/prompt", body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            assertThat(TestServer.json(answer)).as(body).isEqualTo(noPrompt);
        }
        HttpResponse<String> empty = post("/prompt", "");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(empty).at("/error/type").asText()).isEqualTo("invalid_prompt");
    }

    @Test
    void nestingIsAcceptedToTheLimitAndRefusedPastItWithoutAStackOverflow() throws Exception {
        start();
        // extra_data nested just under the limit travels to history and back.
        int depth = Json.MAX_NESTING_DEPTH - 3; // the body, extra_data and its key take three levels
        String deep = "[".repeat(depth) + "]".repeat(depth);
        HttpResponse<String> queued = post("/prompt", "{\"prompt\": " + OUT + ", \"extra_data\": {\"deep\": " + deep + "}}");
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
        String id = TestServer.json(queued).get("prompt_id").asText();
        // The answer nests it a few levels deeper than a request may be: read it as text.
        String history = "";
        for (long deadline = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < deadline; Thread.sleep(20)) {
            HttpResponse<String> answer = server.get("/history/" + id);
            assertThat(answer.statusCode()).isEqualTo(200);
            history = answer.body();
            if (history.contains("\"status_str\":\"success\"")) break;
        }
        assertThat(history).contains("\"status_str\":\"success\"").contains("{\"deep\":" + deep + "}");

        for (int tooDeep : new int[] {Json.MAX_NESTING_DEPTH + 1, 200_000}) {
            String body = "{\"prompt\": " + OUT + ", \"extra_data\": " + "[".repeat(tooDeep) + "]".repeat(tooDeep) + "}";
            HttpResponse<String> refused = post("/prompt", body);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(TestServer.json(refused).at("/error/details").asText())
                    .startsWith("Nesting depth exceeds " + Json.MAX_NESTING_DEPTH);
            HttpResponse<String> settings = post("/settings/Deep", "[".repeat(tooDeep) + "]".repeat(tooDeep));
            assertThat(settings.statusCode()).isEqualTo(400);
            assertThat(settings.body()).startsWith("Invalid JSON body: Nesting depth exceeds " + Json.MAX_NESTING_DEPTH);
        }
    }

    @Test
    void nanAndInfinityAreAcceptedAsPythonAcceptsThem() throws Exception {
        start();
        assertThat(post("/settings/Odd", "[NaN, Infinity, -Infinity]").statusCode()).isEqualTo(200);
        assertThat(server.get("/settings/Odd").body()).isEqualTo("[NaN,Infinity,-Infinity]");
        HttpResponse<String> queued = post("/prompt",
                "{\"prompt\": {\"1\": {\"class_type\": \"Out\", \"inputs\": {\"v\": NaN}}}, \"extra_data\": {\"w\": -Infinity}}");
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
        JsonNode entry = server.waitForHistory(TestServer.json(queued).get("prompt_id").asText());
        assertThat(entry.get("prompt").get(2).at("/1/inputs/v").doubleValue()).isNaN();
        assertThat(entry.get("prompt").get(3).get("w").doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    }
}
