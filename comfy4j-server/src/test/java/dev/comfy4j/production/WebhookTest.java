package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.comfy4j.config.ProductionSettings;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.Prompts;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks to a receiver on 127.0.0.1: each prompt's end arrives once with a valid HMAC-SHA256
 * signature (checked here with the JDK's Mac), also when the server restarts between the prompt's
 * end and the delivery.
 */
class WebhookTest {
    private static final String SECRET = "test-secret-of-the-server";

    @TempDir Path base;

    /** One received call. */
    record Call(String signature, String delivery, String body) {}

    private static final class Receiver implements AutoCloseable {
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final HttpServer server;

        Receiver(int port) throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/hook", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                calls.add(new Call(exchange.getRequestHeaders().getFirst("X-Comfy4j-Signature"),
                        exchange.getRequestHeaders().getFirst("X-Comfy4j-Delivery"), body));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private ServerConfig config(int port) {
        return TestServer.config(base).withDatabase(base.resolve("jobs.db"))
                .withProduction(ProductionSettings.defaults().withWebhooks(List.of("127.0.0.1:" + port), SECRET));
    }

    @Test
    void eachEndArrivesOnceSignedAndUnlistedHostsAreRefused() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        try (Receiver receiver = new Receiver(0)) {
            int port = receiver.server.getAddress().getPort();
            String url = "http://127.0.0.1:" + port + "/hook";
            try (TestServer server = TestServer.start(config(port), c -> engine)) {
                String ok = submit(server, Prompts.prompt("Out"), url);
                String failed = submit(server, Prompts.prompt("Fail", "Out"), url);
                String stopped = submit(server, Prompts.prompt("Gate", "Out"), url);
                server.awaitRunning(stopped);
                server.post("/interrupt", "");
                String silent = submit(server, Prompts.prompt("Out"), null);
                server.waitForHistory(silent);
                awaitCalls(receiver, 3);
                Thread.sleep(1000); // room for a duplicate to show
                assertThat(receiver.calls).hasSize(3);
                assertDelivered(receiver, server, ok, "success");
                assertDelivered(receiver, server, failed, "error");
                assertDelivered(receiver, server, stopped, "interrupted");

                for (String bad : List.of("http://127.0.0.2:" + port + "/hook", "http://127.0.0.1:" + (port + 1) + "/hook",
                        "http://localhost:" + port + "/hook", "file:///etc/passwd", "not a url")) {
                    ObjectNode body = Prompts.body(Prompts.prompt("Out"));
                    body.putObject("extra_data").put("webhook", bad);
                    HttpResponse<String> r = server.postJson("/prompt", body);
                    assertThat(r.statusCode()).as(bad).isEqualTo(400);
                    assertThat(TestServer.json(r).get("error").get("type").asText()).isEqualTo("invalid_webhook");
                }
            }
        }
    }

    @Test
    void aCallNotYetDeliveredSurvivesARestart() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort(); // nobody listens here until the receiver starts
        }
        String url = "http://127.0.0.1:" + port + "/hook";
        String id;
        try (TestServer server = TestServer.start(config(port), c -> new ScriptedEngine())) {
            id = submit(server, Prompts.prompt("Out"), url);
            server.waitForHistory(id);
            Thread.sleep(300); // the first attempt meets a closed port
        }
        try (Receiver receiver = new Receiver(port);
             TestServer server = TestServer.start(config(port), c -> new ScriptedEngine())) {
            awaitCalls(receiver, 1);
            Thread.sleep(1500);
            assertThat(receiver.calls).hasSize(1);
            assertDelivered(receiver, server, id, "success");
        }
    }

    private static void assertDelivered(Receiver receiver, TestServer server, String promptId, String event) throws Exception {
        List<Call> mine = receiver.calls.stream().filter(c -> c.body().contains(promptId)).toList();
        assertThat(mine).as("calls for " + promptId).hasSize(1);
        Call call = mine.getFirst();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(call.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(call.signature()).isEqualTo(expected);
        assertThat(call.delivery()).startsWith(promptId + "/");
        JsonNode body = Json.parse(call.body());
        assertThat(body.get("event").asText()).isEqualTo(event);
        assertThat(body.get("prompt_id").asText()).isEqualTo(promptId);
        assertThat(body.get("history")).isEqualTo(TestServer.json(server.get("/history/" + promptId)).get(promptId));
    }

    private static void awaitCalls(Receiver receiver, int count) throws InterruptedException {
        for (int i = 0; i < 750 && receiver.calls.size() < count; i++) Thread.sleep(20);
        assertThat(receiver.calls).hasSizeGreaterThanOrEqualTo(count);
    }

    private static String submit(TestServer server, ObjectNode prompt, String webhook) {
        ObjectNode body = Prompts.body(prompt);
        if (webhook != null) body.putObject("extra_data").put("webhook", webhook);
        HttpResponse<String> r = server.postJson("/prompt", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("prompt_id").asText();
    }
}
