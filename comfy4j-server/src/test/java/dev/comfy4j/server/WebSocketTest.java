package dev.comfy4j.server;

import static dev.comfy4j.support.Prompts.body;
import static dev.comfy4j.support.Prompts.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket protocol of API spec §12 with a scripted engine. */
class WebSocketTest {
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

    private static boolean isFinalExecuting(WsClient.Message m) {
        return m.type().equals("executing") && m.json().get("data").get("node").isNull();
    }

    @Test
    void theGreetingCarriesTheSidAndFeatureFlagsAreAnsweredOnce() throws Exception {
        try (WsClient ws = server.websocket("my-client")) {
            assertThat(ws.next().json()).isEqualTo(Json.parse(
                    "{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":0}},\"sid\":\"my-client\"}}"));
            ws.sendText("{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}");
            assertThat(ws.next().json()).isEqualTo(Json.parse(
                    "{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true,\"max_upload_size\":104857600}}"));
            ws.sendText("{\"type\":\"feature_flags\",\"data\":{}}");
            assertThat(ws.drain(300)).isEmpty();
        }
    }

    @Test
    void withoutClientIdTheServerMakesA32HexSid() {
        try (WsClient ws = server.websocket(null)) {
            JsonNode greeting = ws.next().json();
            assertThat(greeting.get("data").get("sid").asText()).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void aFirstMessageOfAnotherTypeUsesUpTheFeatureFlagsChanceButInvalidJsonDoesNot() {
        try (WsClient ws = server.websocket("a")) {
            ws.next();
            ws.sendText("not json");
            ws.sendText("{\"type\":\"feature_flags\",\"data\":{}}");
            assertThat(ws.next().type()).isEqualTo("feature_flags");
        }
        try (WsClient ws = server.websocket("b")) {
            ws.next();
            ws.sendText("{\"type\":\"hello\"}");
            ws.sendText("{\"type\":\"feature_flags\",\"data\":{}}");
            assertThat(ws.drain(300)).isEmpty();
        }
    }

    @Test
    void aPromptsEventsGoToItsClientOnlyAndStatusToEveryone() throws Exception {
        try (WsClient mine = server.websocket("mine"); WsClient other = server.websocket("other")) {
            mine.next();
            other.next();
            ObjectNode b = body(prompt("Out"));
            b.put("client_id", "mine");
            String id = TestServer.json(server.postJson("/prompt", b)).get("prompt_id").asText();
            List<WsClient.Message> seen = mine.until(WebSocketTest::isFinalExecuting);
            assertThat(seen).extracting(WsClient.Message::type).containsExactly("status", "status", "execution_start",
                    "execution_cached", "executing", "executed", "execution_success", "status", "executing");
            assertThat(seen.getLast().json().get("data")).isEqualTo(Json.parse(
                    "{\"node\": null, \"prompt_id\": \"" + id + "\"}"));
            assertThat(seen.get(0).json().get("data").get("status").get("exec_info").get("queue_remaining").asInt()).isEqualTo(1);
            assertThat(seen.get(7).json().get("data").get("status").get("exec_info").get("queue_remaining").asInt()).isZero();
            List<WsClient.Message> theirs = other.drain(300);
            assertThat(theirs).extracting(WsClient.Message::type).containsOnly("status").hasSize(3);
        }
    }

    @Test
    void withoutAClientIdOnlyBroadcastKindsAreSent() throws Exception {
        try (WsClient ws = server.websocket("watcher")) {
            ws.next();
            String id = TestServer.json(server.postJson("/prompt", body(prompt("Gate", "Out")))).get("prompt_id").asText();
            Thread.sleep(200);
            server.post("/interrupt", "");
            List<WsClient.Message> seen = ws.until(m -> m.type().equals("status")
                    && m.json().get("data").get("status").get("exec_info").get("queue_remaining").asInt() == 0);
            assertThat(seen).extracting(WsClient.Message::type)
                    .containsExactly("status", "status", "execution_interrupted", "status");
            assertThat(seen.get(2).json().get("data").get("prompt_id").asText()).isEqualTo(id);
        }
    }

    @Test
    void aReconnectingClientKeepsReceivingAndSeesTheRunningNode() throws Exception {
        WsClient first = server.websocket("again");
        first.next();
        ObjectNode b = body(prompt("Gate", "Out"));
        b.put("client_id", "again");
        String id = TestServer.json(server.postJson("/prompt", b)).get("prompt_id").asText();
        first.until(m -> m.type().equals("executing"));
        try (WsClient second = server.websocket("again")) {
            assertThat(second.next().type()).isEqualTo("status");
            assertThat(second.next().json()).isEqualTo(Json.parse("{\"type\":\"executing\",\"data\":{\"node\":\"1\"}}"));
            first.close();
            Thread.sleep(200);
            engine.release(1);
            List<WsClient.Message> rest = second.until(WebSocketTest::isFinalExecuting);
            assertThat(rest).extracting(WsClient.Message::type).contains("executed", "execution_success");
            assertThat(rest.getLast().json().get("data").get("prompt_id").asText()).isEqualTo(id);
        }
    }

    @Test
    void theUpgradeIsRefusedByTheOriginCheckAndAPlainGetIs400() {
        HttpClient client = HttpClient.newHttpClient();
        assertThatThrownBy(() -> client.newWebSocketBuilder().header("Origin", "https://evil.example")
                .buildAsync(URI.create(server.url("/ws").replace("http:", "ws:")), new java.net.http.WebSocket.Listener() {})
                .join()).rootCause().hasMessageContaining("403");
        assertThat(server.get("/ws").statusCode()).isEqualTo(400);
        try (WsClient api = WsClient.connect(server.url("/api/ws?clientId=x").replace("http:", "ws:"))) {
            assertThat(api.next().json().get("data").get("sid").asText()).isEqualTo("x");
        }
    }

    @Test
    void aPromptPostedTheMomentTheSocketOpensIsAnnouncedAfterTheGreeting() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (WsClient ws = server.websocket("eager" + round)) {
                ObjectNode b = body(prompt("Out"));
                b.put("client_id", "eager" + round);
                server.postJson("/prompt", b);
                List<WsClient.Message> seen = ws.until(WebSocketTest::isFinalExecuting);
                assertThat(seen.getFirst().json().get("data").get("sid").asText()).isEqualTo("eager" + round);
                assertThat(seen).extracting(WsClient.Message::type).startsWith("status", "status", "status", "execution_start");
            }
        }
    }

    @Test
    void manyClientsAtOnceEachGetTheirOwnPromptsEnd() throws Exception {
        int clients = 24;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<String>> done = new java.util.ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String sid = "crowd" + c;
                done.add(pool.submit(() -> {
                    try (WsClient ws = server.websocket(sid)) {
                        ObjectNode b = body(prompt("Out"));
                        b.put("client_id", sid);
                        String id = TestServer.json(server.postJson("/prompt", b)).get("prompt_id").asText();
                        List<WsClient.Message> seen = ws.until(WebSocketTest::isFinalExecuting);
                        assertThat(seen.getLast().json().get("data").get("prompt_id").asText()).isEqualTo(id);
                        assertThat(seen).filteredOn(m -> m.type().equals("execution_start"))
                                .allSatisfy(m -> assertThat(m.json().get("data").get("prompt_id").asText()).isEqualTo(id));
                        return id;
                    }
                }));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var f : done) ids.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertThat(ids).hasSize(clients);
        }
    }

    private static List<WsClient.Message> binaries(List<WsClient.Message> messages) {
        return messages.stream().filter(m -> m.json() == null).toList();
    }

    @Test
    void previewsAreType4ForClientsThatDeclaredMetadataAndType1OtherwiseTextIsBroadcast() throws Exception {
        try (WsClient modern = server.websocket("modern"); WsClient plain = server.websocket("plain")) {
            modern.next();
            plain.next();
            modern.sendText("{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}");
            modern.next();

            ObjectNode b = body(prompt("Preview", "Out"));
            b.put("client_id", "modern");
            server.postJson("/prompt", b);
            List<WsClient.Message> modernAll = modern.until(WebSocketTest::isFinalExecuting);
            assertThat(modernAll).extracting(WsClient.Message::type).containsSubsequence(
                    "executing", "progress_state", "binary", "progress", "binary", "executing");
            List<WsClient.Message> modernSeen = binaries(modernAll);
            assertThat(modernSeen).hasSize(2);
            ByteBuffer frame = ByteBuffer.wrap(modernSeen.get(0).binary());
            assertThat(frame.getInt()).isEqualTo(4);
            byte[] metadata = new byte[frame.getInt()];
            frame.get(metadata);
            assertThat(Json.parse(new String(metadata, StandardCharsets.UTF_8)).fieldNames()).toIterable()
                    .containsExactly("node_id", "prompt_id", "display_node_id", "parent_node_id", "real_node_id", "image_type");
            assertThat(frame.get()).isEqualTo((byte) 1);
            assertThat(textFrame(modernSeen.get(1).binary())).isEqualTo("1|hello");
            assertThat(binaries(plain.drain(300))).extracting(m -> textFrame(m.binary())).containsExactly("1|hello");

            b.put("client_id", "plain");
            server.postJson("/prompt", b);
            List<WsClient.Message> plainAll = plain.until(WebSocketTest::isFinalExecuting);
            // Type 1 comes after its tick's progress message; type 4 came before it.
            int progress = plainAll.stream().map(WsClient.Message::type).toList().indexOf("progress");
            assertThat(plainAll.get(progress - 1).type()).isEqualTo("progress_state");
            assertThat(plainAll.get(progress + 1).type()).isEqualTo("binary");
            List<WsClient.Message> plainSeen = binaries(plainAll);
            ByteBuffer type1 = ByteBuffer.wrap(plainSeen.get(0).binary());
            assertThat(type1.getInt()).isEqualTo(1);
            assertThat(type1.getInt()).isEqualTo(1); // JPEG
            assertThat(type1.remaining()).isEqualTo(3);
        }
    }

    /** Decodes a type-3 frame as "node|text". */
    private static String textFrame(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        assertThat(b.getInt()).isEqualTo(3);
        byte[] node = new byte[b.getInt()];
        b.get(node);
        byte[] text = new byte[b.remaining()];
        b.get(text);
        return new String(node, StandardCharsets.UTF_8) + "|" + new String(text, StandardCharsets.UTF_8);
    }
}
