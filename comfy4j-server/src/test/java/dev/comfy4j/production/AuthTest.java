package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ProductionSettings;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.ProductionLayer;
import dev.comfy4j.server.auth.Role;
import dev.comfy4j.server.auth.TokenFile;
import dev.comfy4j.support.Prompts;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and per-user isolation over real HTTP and WebSocket, with three tokens: users
 * {@code alice} and {@code bob}, admin {@code root}.
 *
 * <p>Every route family is tried without a token, with a wrong one and with each role
 * ({@link #everyRouteFamilyAnswers401WithoutAValidTokenAndServesEachRole}): {@code /prompt},
 * {@code /queue}, {@code /interrupt}, {@code /free}, {@code /history}, {@code /history/{id}},
 * {@code /object_info}, {@code /object_info/{class}}, {@code /system_stats}, {@code /features},
 * {@code /embeddings}, {@code /models}, {@code /models/{folder}}, {@code /extensions}, {@code /view},
 * {@code /view_metadata/{folder}}, {@code /upload/image}, {@code /settings}, {@code /users},
 * {@code /userdata}, {@code /v2/userdata}, {@code /i18n}, {@code /workflow_templates},
 * {@code /experiment/models}, {@code /internal/logs}, {@code /metrics}, the web root and the
 * {@code /api} twins; {@code /ws} in {@link #theWebSocketNeedsAToken}.
 *
 * <p>One user cannot read, cancel or see events of another's prompt
 * ({@link #oneUserCannotReadCancelOrHearAnothersPrompt}): {@code GET /queue}, {@code GET /history},
 * {@code GET /history/{id}}, {@code POST /interrupt} (by id and global), {@code POST /queue}
 * (delete and clear), {@code POST /history} (delete and clear), the WebSocket events (even on the
 * same sid), {@code /userdata/{file}} and {@code /view} of output files.
 */
class AuthTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir Path base;
    private Path tokensFile;
    private String alice;
    private String bob;
    private String root;

    @BeforeEach
    void tokens() {
        tokensFile = base.resolve("tokens.txt");
        alice = TokenFile.addUser(tokensFile, "alice", Role.USER);
        bob = TokenFile.addUser(tokensFile, "bob", Role.USER);
        root = TokenFile.addUser(tokensFile, "root", Role.ADMIN);
    }

    private ServerConfig config(int maxQueued) {
        return TestServer.config(base).withDatabase(base.resolve("jobs.db"))
                .withProduction(ProductionSettings.defaults().withAuthTokensFile(tokensFile).withMaxQueuedPerUser(maxQueued));
    }

    @Test
    void everyRouteFamilyAnswers401WithoutAValidTokenAndServesEachRole() throws Exception {
        try (TestServer server = TestServer.start(config(0), c -> new ScriptedEngine())) {
            List<String[]> routes = List.of(
                    new String[] {"GET", "/prompt"}, new String[] {"POST", "/prompt"}, new String[] {"GET", "/queue"},
                    new String[] {"POST", "/queue"}, new String[] {"POST", "/interrupt"}, new String[] {"GET", "/history"},
                    new String[] {"GET", "/history/some-id"}, new String[] {"POST", "/history"},
                    new String[] {"GET", "/object_info"}, new String[] {"GET", "/object_info/Out"},
                    new String[] {"GET", "/system_stats"}, new String[] {"GET", "/features"},
                    new String[] {"GET", "/embeddings"}, new String[] {"GET", "/models"},
                    new String[] {"GET", "/models/checkpoints"}, new String[] {"GET", "/extensions"},
                    new String[] {"GET", "/view?filename=missing.png&type=input"},
                    new String[] {"GET", "/view_metadata/checkpoints?filename=x.safetensors"},
                    new String[] {"POST", "/upload/image"}, new String[] {"GET", "/settings"},
                    new String[] {"GET", "/users"}, new String[] {"GET", "/userdata?dir=workflows"},
                    new String[] {"GET", "/v2/userdata"}, new String[] {"GET", "/i18n"},
                    new String[] {"GET", "/workflow_templates"}, new String[] {"GET", "/experiment/models"},
                    new String[] {"GET", "/metrics"}, new String[] {"GET", "/"}, new String[] {"GET", "/api/object_info"},
                    new String[] {"GET", "/api/queue"}, new String[] {"GET", "/some/static/file.js"},
                    new String[] {"POST", "/free"}, new String[] {"GET", "/internal/logs"}, new String[] {"POST", "/users"});
            List<String> adminOnly = List.of("/free", "/internal/logs", "POST /users");
            for (String[] route : routes) {
                String what = route[0] + " " + route[1];
                HttpResponse<String> none = send(server, route[0], route[1], null, "{}");
                assertThat(none.statusCode()).as(what).isEqualTo(401);
                assertUnauthorizedShape(none, "unauthorized");
                HttpResponse<String> wrong = send(server, route[0], route[1], "c4j_not-a-real-token", "{}");
                assertThat(wrong.statusCode()).as(what).isEqualTo(401);
                assertUnauthorizedShape(wrong, "invalid_token");

                boolean needsAdmin = adminOnly.contains(route[1]) || adminOnly.contains(what);
                HttpResponse<String> asUser = send(server, route[0], route[1], alice, "{}");
                if (needsAdmin) {
                    assertThat(asUser.statusCode()).as(what).isEqualTo(403);
                    JsonNode error = TestServer.json(asUser).get("error");
                    assertThat(error.get("type").asText()).isEqualTo("forbidden");
                    assertThat(error.get("message").asText()).isEqualTo("This needs the admin role.");
                } else {
                    assertThat(asUser.statusCode()).as(what).isNotIn(401, 403);
                }
                HttpResponse<String> asAdmin = send(server, route[0], route[1], root, "{}");
                assertThat(asAdmin.statusCode()).as(what).isNotIn(401, 403);
            }
            // The probes stay open: orchestrators carry no token.
            assertThat(send(server, "GET", "/healthz", null, null).statusCode()).isEqualTo(200);
            assertThat(send(server, "GET", "/readyz", null, null).statusCode()).isIn(200, 503);
            // A token in the query counts only where headers cannot be set (/view, the WebSocket).
            assertThat(send(server, "GET", "/queue?token=" + alice, null, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/view?filename=missing.png&type=input&token=" + alice, null, null).statusCode())
                    .isEqualTo(404);
            // Another scheme is a wrong credential, not a missing one.
            HttpResponse<String> basic = server.send(HttpRequest.newBuilder(URI.create(server.url("/queue")))
                    .header("Authorization", "Basic " + alice).GET().build());
            assertUnauthorizedShape(basic, "invalid_token");
        }
    }

    private static void assertUnauthorizedShape(HttpResponse<String> r, String type) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer realm=\"comfy4j\"");
        JsonNode error = TestServer.json(r).get("error");
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("message").asText()).isNotEmpty();
        assertThat(error.has("details")).isTrue();
        assertThat(error.get("extra_info").isObject()).isTrue();
    }

    @Test
    void theWebSocketNeedsAToken() throws Exception {
        try (TestServer server = TestServer.start(config(0), c -> new ScriptedEngine())) {
            String ws = server.url("/ws").replace("http:", "ws:");
            assertThatThrownBy(() -> WsClient.connect(ws + "?clientId=a")).isInstanceOf(CompletionException.class);
            assertThatThrownBy(() -> WsClient.connect(ws + "?clientId=a&token=c4j_wrong")).isInstanceOf(CompletionException.class);
            try (WsClient client = WsClient.connect(ws + "?clientId=a&token=" + alice)) {
                assertThat(client.next().type()).isEqualTo("status");
            }
        }
    }

    @Test
    void oneUserCannotReadCancelOrHearAnothersPrompt() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        try (TestServer server = TestServer.start(config(0), c -> engine)) {
            String ws = server.url("/ws").replace("http:", "ws:") + "?clientId=same-sid&token=";
            try (WsClient aliceWs = WsClient.connect(ws + alice); WsClient bobWs = WsClient.connect(ws + bob)) {
                assertThat(aliceWs.next().type()).isEqualTo("status");
                assertThat(bobWs.next().type()).isEqualTo("status");
                // Alice: one prompt that waits at its gate, and one pending behind it.
                String running = submit(server, alice, Prompts.prompt("Gate", "Out"), "same-sid");
                String pending = submit(server, alice, Prompts.prompt("Out"), "same-sid");
                awaitRunning(server, root, running);

                JsonNode bobQueue = TestServer.json(send(server, "GET", "/queue", bob, null));
                assertThat(bobQueue.get("queue_running")).isEmpty();
                assertThat(bobQueue.get("queue_pending")).isEmpty();
                JsonNode aliceQueue = TestServer.json(send(server, "GET", "/queue", alice, null));
                assertThat(aliceQueue.get("queue_running").get(0).get(1).asText()).isEqualTo(running);
                assertThat(aliceQueue.get("queue_running").get(0).get(3).get("comfy4j_user").asText()).isEqualTo("alice");
                assertThat(aliceQueue.get("queue_pending").get(0).get(1).asText()).isEqualTo(pending);
                JsonNode rootQueue = TestServer.json(send(server, "GET", "/queue", root, null));
                assertThat(rootQueue.get("queue_pending")).hasSize(1);

                // Bob cannot cancel: not by id, not globally, not by deleting or clearing the queue.
                HttpResponse<String> byId = send(server, "POST", "/interrupt", bob, "{\"prompt_id\": \"" + running + "\"}");
                assertThat(byId.statusCode()).isEqualTo(403);
                assertThat(TestServer.json(byId).get("error").get("type").asText()).isEqualTo("forbidden");
                assertThat(send(server, "POST", "/interrupt", bob, "").statusCode()).isEqualTo(403);
                assertThat(send(server, "POST", "/queue", bob, "{\"delete\": [\"" + pending + "\"]}").statusCode()).isEqualTo(200);
                assertThat(send(server, "POST", "/queue", bob, "{\"clear\": true}").statusCode()).isEqualTo(200);
                assertThat(TestServer.json(send(server, "GET", "/queue", alice, null)).get("queue_pending")).hasSize(1);
                assertThat(TestServer.json(send(server, "GET", "/queue", alice, null)).get("queue_running")).hasSize(1);

                engine.release(1);
                JsonNode entry = waitForHistory(server, alice, pending);
                assertThat(entry.get("status").get("status_str").asText()).isEqualTo("success");

                // Bob's socket, on the very same sid, heard only queue status; Alice's heard her prompts.
                List<WsClient.Message> aliceHeard = aliceWs.until(m -> "executing".equals(m.type())
                        && m.json().get("data").get("node").isNull() && pending.equals(m.json().get("data").get("prompt_id").asText()));
                assertThat(aliceHeard).extracting(WsClient.Message::type).contains("execution_start", "executed", "execution_success");
                List<WsClient.Message> bobHeard = bobWs.drain(500);
                assertThat(bobHeard).extracting(WsClient.Message::type).containsOnly("status");
                assertThat(bobHeard.toString()).doesNotContain(running).doesNotContain(pending);

                // History: invisible to Bob, and his deletes and clears do not reach it.
                assertThat(TestServer.json(send(server, "GET", "/history", bob, null)).size()).isZero();
                assertThat(TestServer.json(send(server, "GET", "/history/" + running, bob, null)).size()).isZero();
                assertThat(send(server, "POST", "/history", bob, "{\"delete\": [\"" + running + "\"]}").statusCode()).isEqualTo(200);
                assertThat(send(server, "POST", "/history", bob, "{\"clear\": true}").statusCode()).isEqualTo(200);
                JsonNode aliceHistory = TestServer.json(send(server, "GET", "/history", alice, null));
                assertThat(aliceHistory.has(running)).isTrue();
                assertThat(aliceHistory.has(pending)).isTrue();
                assertThat(TestServer.json(send(server, "GET", "/history?max_items=1", alice, null)).has(pending)).isTrue();
                assertThat(TestServer.json(send(server, "GET", "/history", root, null)).size()).isEqualTo(2);

                // Alice clears only her own history; the admin sees it gone.
                String bobs = submit(server, bob, Prompts.prompt("Out"), "bob-sid");
                waitForHistory(server, bob, bobs);
                assertThat(send(server, "POST", "/history", alice, "{\"clear\": true}").statusCode()).isEqualTo(200);
                assertThat(TestServer.json(send(server, "GET", "/history", alice, null)).size()).isZero();
                assertThat(TestServer.json(send(server, "GET", "/history", bob, null)).has(bobs)).isTrue();
            }

            // User data lives in user/<name>/ and is not shared.
            HttpResponse<String> write = send(server, "POST", "/userdata/workflows%2Fmine.json", alice, "{\"a\": 1}");
            assertThat(write.statusCode()).isEqualTo(200);
            assertThat(base.resolve("user/alice/workflows/mine.json")).hasContent("{\"a\": 1}");
            assertThat(send(server, "GET", "/userdata/workflows%2Fmine.json", alice, null).body()).isEqualTo("{\"a\": 1}");
            assertThat(send(server, "GET", "/userdata/workflows%2Fmine.json", bob, null).statusCode()).isEqualTo(404);
            send(server, "POST", "/settings", alice, "{\"Comfy.Theme\": \"dark\"}");
            assertThat(TestServer.json(send(server, "GET", "/settings", bob, null)).has("Comfy.Theme")).isFalse();
            assertThat(TestServer.json(send(server, "GET", "/settings", alice, null)).get("Comfy.Theme").asText()).isEqualTo("dark");

            // An output file no prompt of Bob's made: forbidden to him, served to the admin.
            Files.createDirectories(base.resolve("output"));
            Files.write(base.resolve("output/ComfyUI_00001_.png"), new byte[] {1, 2, 3});
            assertThat(send(server, "GET", "/view?filename=ComfyUI_00001_.png&type=output", bob, null).statusCode()).isEqualTo(403);
            assertThat(send(server, "GET", "/view?filename=ComfyUI_00001_.png&token=" + bob, null, null).statusCode()).isEqualTo(403);
            assertThat(send(server, "GET", "/view?filename=ComfyUI_00001_.png&type=output", root, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void outputGrantsFollowTheExecutedFilesOfEachUser() {
        var grants = new dev.comfy4j.server.auth.OutputGrants();
        ObjectNode ui = Json.object();
        ObjectNode image = ui.putArray("images").addObject();
        image.put("filename", "ComfyUI_00002_.png");
        image.put("subfolder", "portraits");
        image.put("type", "output");
        grants.grantOutputs("alice", ui);
        assertThat(grants.mayView("alice", "ComfyUI_00002_.png", "output", "portraits")).isTrue();
        assertThat(grants.mayView("alice", "ComfyUI_00002_.png [output]", null, "portraits/")).isTrue();
        assertThat(grants.mayView("alice", "ComfyUI_00002_.png", null, "portraits")).isTrue(); // type defaults to output
        assertThat(grants.mayView("alice", "ComfyUI_00002_.png", "temp", "portraits")).isFalse();
        assertThat(grants.mayView("alice", "ComfyUI_00002_.png", "output", "")).isFalse();
        assertThat(grants.mayView("bob", "ComfyUI_00002_.png", "output", "portraits")).isFalse();
        assertThat(grants.mayView("bob", "anything.png", "input", null)).isTrue(); // inputs are shared
    }

    @Test
    void aUserBeyondItsQueueLimitGets429AndOthersAreNotHeldBack() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        try (TestServer server = TestServer.start(config(2), c -> engine)) {
            String first = submit(server, alice, Prompts.prompt("Gate", "Out"), null);
            submit(server, alice, Prompts.prompt("Out"), null);
            HttpResponse<String> third = send(server, "POST", "/prompt", alice, Json.write(Prompts.body(Prompts.prompt("Out"))));
            assertThat(third.statusCode()).isEqualTo(429);
            JsonNode error = TestServer.json(third).get("error");
            assertThat(error.get("type").asText()).isEqualTo("too_many_queued");
            assertThat(error.get("extra_info").get("limit").asInt()).isEqualTo(2);
            assertThat(error.get("extra_info").get("queued").asInt()).isEqualTo(2);
            assertThat(TestServer.json(third).get("node_errors").isObject()).isTrue();
            submit(server, bob, Prompts.prompt("Out"), null); // Bob has his own allowance
            engine.release(1);
            waitForHistory(server, alice, first);
        }
    }

    @Test
    void aTokenNeverReachesLogsHistoryTheDatabaseOrMetrics() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        try (TestServer server = TestServer.start(config(0), c -> engine)) {
            String id = submit(server, alice, Prompts.prompt("Out"), "sid-1");
            waitForHistory(server, alice, id);
            send(server, "GET", "/view?filename=ComfyUI_00001_.png&token=" + alice, null, null);
            send(server, "GET", "/queue", "c4j_wrong-" + alice, null);
            send(server, "POST", "/interrupt", bob, "");
            String everything = send(server, "GET", "/history", root, null).body()
                    + send(server, "GET", "/queue", root, null).body()
                    + send(server, "GET", "/metrics", root, null).body()
                    + send(server, "GET", "/internal/logs", root, null).body()
                    + send(server, "GET", "/internal/logs/raw", root, null).body();
            for (String token : List.of(alice, bob, root)) {
                assertThat(everything).doesNotContain(token).doesNotContain(token.substring(4));
            }
            assertThat(everything).contains(id); // the history was there to be searched
        }
        StringBuilder db = new StringBuilder();
        try (var files = Files.list(base)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("jobs.db")).toList()) {
                db.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(db.toString()).contains("comfy4j_user").contains("alice");
        for (String token : List.of(alice, bob, root)) assertThat(db.toString()).doesNotContain(token.substring(4));
        // The tokens file holds digests only.
        String file = Files.readString(tokensFile);
        assertThat(file).contains(TokenFile.sha256(alice)).doesNotContain(alice.substring(4));
    }

    @Test
    void listeningBeyondLoopbackNeedsAnAuthenticationChoice() {
        ServerConfig open = TestServer.config(base).toBuilder().listen(List.of("0.0.0.0")).build();
        assertThatThrownBy(() -> ProductionLayer.checkStartable(open))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listening on 0.0.0.0 needs an authentication choice")
                .hasMessageContaining("--auth-tokens-file FILE").hasMessageContaining("--auth none");
        ProductionLayer.checkStartable(open.withProduction(new ProductionSettings(null, true, 0)));
        ProductionLayer.checkStartable(open.withProduction(ProductionSettings.defaults().withAuthTokensFile(tokensFile)));
        ProductionLayer.checkStartable(TestServer.config(base).toBuilder().listen(List.of("127.0.0.1", "localhost", "::1")).build());
        assertThatThrownBy(() -> ProductionLayer.checkStartable(open.withProduction(new ProductionSettings(tokensFile, true, 0))))
                .hasMessageContaining("contradict");
    }

    private static String submit(TestServer server, String token, ObjectNode prompt, String clientId) {
        ObjectNode body = Prompts.body(prompt);
        if (clientId != null) body.put("client_id", clientId);
        body.putObject("extra_data").put("comfy4j_user", "mallory"); // a forged owner is replaced
        HttpResponse<String> r = send(server, "POST", "/prompt", token, Json.write(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("prompt_id").asText();
    }

    private static void awaitRunning(TestServer server, String token, String promptId) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            JsonNode running = TestServer.json(send(server, "GET", "/queue", token, null)).get("queue_running");
            if (!running.isEmpty() && running.get(0).get(1).asText().equals(promptId)) return;
            Thread.sleep(20);
        }
        throw new AssertionError(promptId + " never started");
    }

    private static JsonNode waitForHistory(TestServer server, String token, String promptId) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            JsonNode h = TestServer.json(send(server, "GET", "/history/" + promptId, token, null));
            if (h.has(promptId)) return h.get(promptId);
            Thread.sleep(20);
        }
        throw new AssertionError(promptId + " never reached history");
    }

    static HttpResponse<String> send(TestServer server, String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)));
        if (token != null) b.header("Authorization", "Bearer " + token);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
