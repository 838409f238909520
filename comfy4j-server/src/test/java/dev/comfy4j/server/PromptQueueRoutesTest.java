package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import static dev.comfy4j.support.Prompts.body;
import static dev.comfy4j.support.Prompts.prompt;

import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /prompt, /queue, /history, /interrupt and /free over real HTTP, with a scripted engine. */
class PromptQueueRoutesTest {
    @TempDir Path base;
    private final ScriptedEngine engine = new ScriptedEngine();
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(TestServer.config(base), c -> engine);
    }

    @AfterEach
    void stop() {
        engine.release(100);
        server.close();
    }

    @Test
    void aPromptIsQueuedRunAndRecordedInHistory() throws Exception {
        ObjectNode b = body(prompt("Out"));
        b.put("client_id", "me");
        b.putObject("extra_data").put("api_key_comfy_org", "top-secret");
        HttpResponse<String> r = server.postJson("/prompt", b);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = TestServer.json(r);
        assertThat(answer.get("number").isIntegralNumber()).isTrue();
        assertThat(answer.get("node_errors")).isEmpty();
        String id = answer.get("prompt_id").asText();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

        JsonNode entry = server.waitForHistory(id);
        assertThat(entry.fieldNames()).toIterable().containsExactly("prompt", "outputs", "status", "meta");
        assertThat(entry.get("prompt").get(1).asText()).isEqualTo(id);
        assertThat(entry.get("prompt").get(3)).isEqualTo(Json.parse("{\"client_id\":\"me\"}"));
        assertThat(entry.get("prompt").get(4)).isEqualTo(Json.parse("[\"1\"]"));
        assertThat(entry.get("outputs")).isEqualTo(Json.parse("{\"1\":{\"text\":[\"1\"]}}"));
        assertThat(entry.get("status").get("status_str").asText()).isEqualTo("success");
        assertThat(entry.get("status").get("completed").asBoolean()).isTrue();
        assertThat(entry.get("status").get("messages")).extracting(m -> m.get(0).asText())
                .containsExactly("execution_start", "execution_cached", "execution_success");
        assertThat(server.get("/history").body()).doesNotContain("top-secret");
    }

    @Test
    void numbersFollowTheCounterFrontAndExplicitFloats() throws Exception {
        JsonNode first = TestServer.json(server.postJson("/prompt", body(prompt("Out"))));
        ObjectNode explicit = body(prompt("Out"));
        explicit.put("number", 5);
        JsonNode second = TestServer.json(server.postJson("/prompt", explicit));
        ObjectNode front = body(prompt("Out"));
        front.put("front", true);
        JsonNode third = TestServer.json(server.postJson("/prompt", front));
        assertThat(first.get("number").asLong()).isEqualTo(0);
        assertThat(second.get("number").isFloatingPointNumber()).isTrue();
        assertThat(Json.write(second.get("number"))).isEqualTo("5.0");
        assertThat(third.get("number").asLong()).isEqualTo(-1);
    }

    @Test
    void aClientPromptIdIsUsedAsItsStringForm() throws Exception {
        ObjectNode b = body(prompt("Out"));
        b.put("prompt_id", 5);
        assertThat(TestServer.json(server.postJson("/prompt", b)).get("prompt_id").asText()).isEqualTo("5");
        b.putNull("prompt_id");
        assertThat(TestServer.json(server.postJson("/prompt", b)).get("prompt_id").asText()).isEqualTo("None");
    }

    @Test
    void badPromptBodiesGetComfyUiErrorShapesNever500() throws Exception {
        HttpResponse<String> none = server.postJson("/prompt", Json.object());
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(none)).isEqualTo(Json.parse("{\"error\": {\"type\": \"no_prompt\", \"message\":"
                + " \"No prompt provided\", \"details\": \"No prompt provided\", \"extra_info\": {}}, \"node_errors\": {}}"));
        assertThat(server.post("/prompt", "notjson").statusCode()).isEqualTo(400);
        assertThat(server.post("/prompt", "").statusCode()).isEqualTo(400);
        HttpResponse<String> list = server.post("/prompt", "{\"prompt\": [1, 2]}");
        assertThat(list.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(list).get("error").get("type").asText()).isEqualTo("invalid_prompt");
        HttpResponse<String> noOutputs = server.postJson("/prompt", body(prompt("Gate")));
        assertThat(noOutputs.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(noOutputs).get("error").get("type").asText()).isEqualTo("prompt_no_outputs");
        assertThat(server.post("/prompt", "{\"prompt\": {}, \"number\": \"abc\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void theQueueShowsRunningAndPendingAndCanBeClearedOrDeleted() throws Exception {
        String running = TestServer.json(server.postJson("/prompt", body(prompt("Gate", "Out")))).get("prompt_id").asText();
        ObjectNode pendingBody = body(prompt("Out"));
        pendingBody.putObject("extra_data").put("auth_token_comfy_org", "hidden");
        String p1 = TestServer.json(server.postJson("/prompt", pendingBody)).get("prompt_id").asText();
        String p2 = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("prompt_id").asText();
        server.awaitRunning(running);
        JsonNode queue = TestServer.json(server.get("/queue"));
        assertThat(queue.get("queue_running").get(0).get(1).asText()).isEqualTo(running);
        assertThat(queue.get("queue_pending")).extracting(t -> t.get(1).asText()).containsExactly(p1, p2);
        assertThat(queue.toString()).doesNotContain("hidden");
        assertThat(TestServer.json(server.get("/prompt")).get("exec_info").get("queue_remaining").asInt()).isEqualTo(3);

        HttpResponse<String> delete = server.post("/queue", "{\"delete\": [\"" + p1 + "\", \"unknown\"]}");
        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(delete.body()).isEmpty();
        assertThat(TestServer.json(server.get("/queue")).get("queue_pending")).extracting(t -> t.get(1).asText())
                .containsExactly(p2);
        server.post("/queue", "{\"clear\": true}");
        assertThat(TestServer.json(server.get("/queue")).get("queue_pending")).isEmpty();
        assertThat(server.post("/queue", "x").statusCode()).isEqualTo(400);
    }

    @Test
    void interruptByIdStopsOnlyTheRunningPromptAndTheNextRuns() throws Exception {
        String gated = TestServer.json(server.postJson("/prompt", body(prompt("Gate", "Out")))).get("prompt_id").asText();
        String next = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("prompt_id").asText();
        server.awaitRunning(gated);
        assertThat(server.post("/interrupt", "{\"prompt_id\": \"" + next + "\"}").statusCode()).isEqualTo(200);
        Thread.sleep(100);
        assertThat(TestServer.json(server.get("/history/" + gated))).isEmpty();
        HttpResponse<String> r = server.post("/interrupt", "{\"prompt_id\": \"" + gated + "\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        JsonNode entry = server.waitForHistory(gated);
        assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
        assertThat(entry.get("status").get("completed").asBoolean()).isFalse();
        assertThat(entry.get("status").get("messages").get(2).get(0).asText()).isEqualTo("execution_interrupted");
        assertThat(server.waitForHistory(next).get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void aGlobalInterruptNeedsNoBody() throws Exception {
        String gated = TestServer.json(server.postJson("/prompt", body(prompt("Gate", "Out")))).get("prompt_id").asText();
        server.awaitRunning(gated);
        assertThat(server.send(HttpRequest.newBuilder(URI.create(server.url("/api/interrupt")))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
        assertThat(server.waitForHistory(gated).get("status").get("status_str").asText()).isEqualTo("error");
    }

    @Test
    void freeMemoryClearsTheEngineCachesBetweenPrompts() throws Exception {
        assertThat(server.post("/free", "{\"unload_models\": false, \"free_memory\": true}").statusCode()).isEqualTo(200);
        long deadline = System.currentTimeMillis() + 5000;
        while (engine.cacheClears() == 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        assertThat(engine.cacheClears()).isEqualTo(1);
        server.post("/free", "{\"unload_models\": true}");
        Thread.sleep(400);
        assertThat(engine.cacheClears()).isEqualTo(1);
        assertThat(server.post("/free", "nope").statusCode()).isEqualTo(400);
    }

    @Test
    void historyPagingDeleteClearAndBadParameters() throws Exception {
        String a = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("prompt_id").asText();
        String b = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("prompt_id").asText();
        server.waitForHistory(a);
        server.waitForHistory(b);
        assertThat(TestServer.json(server.get("/history?max_items=1")).fieldNames()).toIterable().containsExactly(b);
        assertThat(TestServer.json(server.get("/api/history?offset=0&max_items=1")).fieldNames()).toIterable().containsExactly(a);
        assertThat(TestServer.json(server.get("/history/unknown"))).isEmpty();
        assertThat(server.get("/history?max_items=abc").statusCode()).isEqualTo(400);
        assertThat(server.post("/history", "not json").statusCode()).isEqualTo(400);
        server.post("/history", "{\"delete\": [\"" + a + "\"]}");
        assertThat(TestServer.json(server.get("/history")).fieldNames()).toIterable().containsExactly(b);
        server.post("/history", "{\"clear\": true}");
        assertThat(TestServer.json(server.get("/history"))).isEmpty();
    }

    @Test
    void bodiesOverTheUploadLimitAre413() {
        server.close();
        server = TestServer.start(TestServer.config(base).withMaxUploadBytes(1024), c -> engine);
        HttpResponse<String> r = server.post("/prompt", "x".repeat(2000));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).isEqualTo("Maximum request body size 1024 exceeded, actual body size 2000");
    }

    @Test
    void routingFollowsAiohttp() {
        assertThat(server.get("/interrupt").statusCode()).isEqualTo(404);
        assertThat(server.get("/interrupt").body()).isEqualTo("404: Not Found");
        HttpResponse<String> unknown = server.post("/conf_unknown_route", "");
        assertThat(unknown.statusCode()).isEqualTo(405);
        assertThat(unknown.headers().firstValue("Allow")).hasValue("GET,HEAD");
        HttpResponse<String> delete = server.send(HttpRequest.newBuilder(URI.create(server.url("/prompt"))).DELETE().build());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET,HEAD,POST");
        HttpResponse<String> options = server.send(HttpRequest.newBuilder(URI.create(server.url("/prompt")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.body()).isEmpty();
        HttpResponse<String> head = server.send(HttpRequest.newBuilder(URI.create(server.url("/api/queue")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void theOriginCheckRefusesCrossSiteRequestsToLoopback() {
        HttpResponse<String> refused = server.send(HttpRequest.newBuilder(URI.create(server.url("/prompt")))
                .header("Origin", "https://evil.example").GET().build());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).isEmpty();
        HttpResponse<String> same = server.send(HttpRequest.newBuilder(URI.create(server.url("/prompt")))
                .header("Origin", "http://127.0.0.1:" + server.port()).GET().build());
        assertThat(same.statusCode()).isEqualTo(200);
    }

    @Test
    void corsModeReplacesTheOriginCheck() {
        server.close();
        server = TestServer.start(TestServer.config(base).withCors("*"), c -> engine);
        HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.url("/prompt")))
                .header("Origin", "https://evil.example").GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, GET, DELETE, PUT, OPTIONS, PATCH");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).hasValue("Content-Type, Authorization");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    }

    @Test
    void featuresAndSystemStats() throws Exception {
        assertThat(TestServer.json(server.get("/features")))
                .isEqualTo(Json.parse("{\"supports_preview_metadata\": true, \"max_upload_size\": 104857600}"));
        JsonNode stats = TestServer.json(server.get("/api/system_stats"));
        assertThat(stats.get("system").fieldNames()).toIterable().containsExactly("os", "ram_total", "ram_free",
                "comfyui_version", "required_frontend_version", "installed_templates_version",
                "required_templates_version", "python_version", "pytorch_version", "embedded_python", "argv");
        assertThat(stats.get("system").get("ram_total").asLong()).isPositive();
        assertThat(stats.get("devices").get(0).fieldNames()).toIterable().containsExactly("name", "type", "index",
                "vram_total", "vram_free", "torch_vram_total", "torch_vram_free");
    }

    @Test
    void anEngineFailureOutsideAnyNodeEndsThePromptAndTheWorkerGoesOn() throws Exception {
        String crashed = TestServer.json(server.postJson("/prompt", body(prompt("Crash", "Out")))).get("prompt_id").asText();
        JsonNode entry = server.waitForHistory(crashed);
        assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
        JsonNode error = entry.get("status").get("messages").get(2);
        assertThat(error.get(0).asText()).isEqualTo("execution_error");
        assertThat(error.get(1).get("exception_type").asText()).isEqualTo("OutOfMemoryError");
        assertThat(TestServer.json(server.get("/queue")).get("queue_running")).isEmpty();
        String next = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("prompt_id").asText();
        assertThat(server.waitForHistory(next).get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void aCheckedExceptionThrownOutOfTheEngineIsRecordedAndTheWorkerGoesOn() throws Exception {
        // Issue 13 item 1: only RuntimeException and Error were caught; a checked exception killed the worker.
        String crashed = TestServer.json(server.postJson("/prompt", body(prompt("Sneaky", "Out")))).get("prompt_id").asText();
        JsonNode entry = server.waitForHistory(crashed);
        assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
        JsonNode error = entry.get("status").get("messages").get(2);
        assertThat(error.get(0).asText()).isEqualTo("execution_error");
        assertThat(error.get(1).get("exception_type").asText()).isEqualTo("IOException");
        assertThat(error.get(1).get("exception_message").asText()).isEqualTo("scripted checked exception\n");
        assertThat(TestServer.json(server.get("/queue")).get("queue_running")).isEmpty();
        String next = TestServer.json(server.postJson("/prompt", body(prompt("Out")))).get("prompt_id").asText();
        assertThat(server.waitForHistory(next).get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void aMalformedUriGetsAPlainTextBadRequest() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET /object_info/%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("Content-Type: text/plain").endsWith("400: Bad Request");
        }
    }
}
