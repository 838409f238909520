package dev.comfy4j.jobs.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ScaleOutSettings;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.TestPostgres;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several comfy4j servers on one real PostgreSQL (started by the test from the OS binaries): one
 * queue, one history, one event stream; claims with leases; a worker killed with SIGKILL mid-prompt.
 * Model-free prompts only, so it runs in seconds.
 */
class ScaleOutTest {
    private static final long LEASE_MILLIS = 1500;
    private static TestPostgres postgres;

    @TempDir Path base;
    private String database;
    private final List<TestServer> servers = new ArrayList<>();
    private final List<WsClient> sockets = new ArrayList<>();
    private Process child;

    @BeforeAll
    static void startPostgres() {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) postgres.close();
    }

    @BeforeEach
    void freshDatabase() {
        database = postgres.newDatabase();
        ScaleOutNodes.RUNS.clear();
    }

    @AfterEach
    void stopAll() {
        sockets.forEach(WsClient::close);
        servers.forEach(TestServer::close);
        if (child != null) child.destroyForcibly();
    }

    private TestServer server(ScaleOutSettings.Role role) {
        return server(role, 0);
    }

    private TestServer server(ScaleOutSettings.Role role, double shutdownTimeoutSeconds) {
        try {
            Path dir = Files.createTempDirectory(base, "server");
            ServerConfig config = TestServer.config(dir).withScaleOut(ScaleOutSettings.defaults()
                    .withDatabaseUrl(database).withRole(role).withLeaseMillis(LEASE_MILLIS));
            if (shutdownTimeoutSeconds > 0) {
                config = config.withProduction(config.production().withShutdownTimeout(shutdownTimeoutSeconds));
            }
            TestServer s = TestServer.start(config, ScaleOutNodes::engine);
            servers.add(s);
            return s;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ObjectNode prompt(String text, int ms, String clientId) {
        ObjectNode body = Json.object();
        ObjectNode node = body.putObject("prompt").putObject("1");
        node.put("class_type", "ScaleOutEcho");
        node.putObject("inputs").put("text", text).put("ms", ms);
        if (clientId != null) body.put("client_id", clientId);
        return body;
    }

    private static String post(TestServer server, ObjectNode body) {
        var response = server.postJson("/prompt", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response).get("prompt_id").asText();
    }

    private static <T> T await(long millis, Supplier<T> probe, String failure) {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.get();
            if (value != null) return value;
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(failure);
    }

    private static JsonNode history(TestServer server) {
        return TestServer.json(server.get("/history"));
    }

    @Test
    void threeHundredPromptsPostedRoundRobinRunExactlyOnceEach() {
        List<TestServer> three = List.of(server(ScaleOutSettings.Role.ALL), server(ScaleOutSettings.Role.ALL),
                server(ScaleOutSettings.Role.ALL));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) ids.add(post(three.get(i % 3), prompt("p" + i, 0, null)));

        JsonNode all = await(60_000, () -> {
            JsonNode h = history(three.get(1));
            return h.size() == 300 ? h : null;
        }, "not all 300 prompts reached history");
        for (int i = 0; i < 300; i++) {
            JsonNode entry = all.get(ids.get(i));
            assertThat(entry.at("/status/status_str").asText()).isEqualTo("success");
            assertThat(entry.at("/outputs/1/text/0").asText()).isEqualTo("p" + i);
            assertThat(ScaleOutNodes.RUNS.get("p" + i)).as("runs of p" + i).hasValue(1);
        }
        assertThat(ScaleOutNodes.RUNS).hasSize(300);
        for (TestServer s : three) {
            JsonNode queue = TestServer.json(s.get("/queue"));
            assertThat(queue.get("queue_running")).isEmpty();
            assertThat(queue.get("queue_pending")).isEmpty();
            assertThat(TestServer.json(s.get("/workers")).get("workers")).hasSize(3);
        }
        // Every worker took a share: the queue is shared, not per server.
        assertThat(TestServer.json(three.getFirst().get("/system_stats")).get("workers")).hasSize(3);
    }

    @Test
    void aPromptsEventsReachItsClientOnEveryServerInTheSameOrder() {
        List<TestServer> three = List.of(server(ScaleOutSettings.Role.ALL), server(ScaleOutSettings.Role.API),
                server(ScaleOutSettings.Role.API));
        for (TestServer s : three) {
            WsClient ws = s.websocket("watcher");
            ws.next(); // the greeting status
            sockets.add(ws);
        }
        String id = post(three.get(2), prompt("watched", 50, "watcher"));
        List<List<String>> seen = new ArrayList<>();
        for (WsClient ws : sockets) {
            List<String> types = new ArrayList<>();
            for (WsClient.Message m : ws.until(m -> m.type().equals("executing")
                    && m.json().at("/data/node").isNull() && m.json().at("/data/prompt_id").asText().equals(id))) {
                if (m.json() != null && id.equals(m.json().at("/data/prompt_id").asText())) {
                    types.add(m.type() + (m.type().equals("executing") ? ":" + m.json().at("/data/node").asText() : ""));
                }
            }
            seen.add(types);
        }
        assertThat(seen.getFirst()).containsExactly("execution_start", "execution_cached", "progress_state",
                "executing:1", "executed", "progress_state", "execution_success", "executing:null");
        assertThat(seen.get(1)).isEqualTo(seen.getFirst());
        assertThat(seen.get(2)).isEqualTo(seen.getFirst());
    }

    @Test
    void prioritiesAndFrontHoldAcrossServers() {
        TestServer a = server(ScaleOutSettings.Role.API);
        TestServer b = server(ScaleOutSettings.Role.API);
        String p0 = post(a, prompt("n0", 0, null));            // number 0
        String p1 = post(b, prompt("n1", 0, null));            // number 1
        ObjectNode front = prompt("front", 0, null);
        front.put("front", true);
        String p2 = post(a, front);                             // number -2
        ObjectNode half = prompt("half", 0, null);
        half.put("number", 0.5);
        String p3 = post(b, half);                              // number 0.5
        for (TestServer s : List.of(a, b)) {
            List<String> pending = new ArrayList<>();
            TestServer.json(s.get("/queue")).get("queue_pending").forEach(t -> pending.add(t.get(1).asText()));
            assertThat(pending).containsExactly(p2, p0, p3, p1);
        }
        server(ScaleOutSettings.Role.WORKER); // one worker: it runs them in queue order
        JsonNode all = await(15_000, () -> {
            JsonNode h = history(a);
            return h.size() == 4 ? h : null;
        }, "the four prompts did not run");
        List<String> order = new ArrayList<>();
        all.fieldNames().forEachRemaining(order::add);
        assertThat(order).containsExactly(p2, p0, p3, p1);
    }

    /**
     * Binary frames (SaveImageWebsocket's PNG, type 1 as ComfyUI sends previews) of a prompt running on a
     * worker reach the client's socket on an API server, header and image intact.
     */
    @Test
    void binaryFramesOfAPromptRunningElsewhereReachTheClient() throws Exception {
        TestServer api = server(ScaleOutSettings.Role.API);
        server(ScaleOutSettings.Role.WORKER);
        WsClient ws = api.websocket("viewer");
        ws.next(); // the greeting status
        sockets.add(ws);
        ObjectNode body = Json.object();
        ObjectNode graph = body.putObject("prompt");
        graph.putObject("1").put("class_type", "EmptyImage").putObject("inputs").put("width", 160).put("height", 150)
                .put("batch_size", 1).put("color", 0x0000FF);
        ObjectNode save = graph.putObject("2").put("class_type", "SaveImageWebsocket");
        save.putObject("inputs").putArray("images").add("1").add(0);
        body.put("client_id", "viewer");
        String id = post(api, body);
        List<WsClient.Message> messages = ws.until(m -> m.json() != null && m.type().equals("executing")
                && m.json().at("/data/node").isNull() && m.json().at("/data/prompt_id").asText().equals(id));
        byte[] frame = messages.stream().filter(m -> m.binary() != null).findFirst()
                .orElseThrow(() -> new AssertionError("no binary frame reached the API server's socket")).binary();
        var header = java.nio.ByteBuffer.wrap(frame);
        assertThat(header.getInt()).isEqualTo(1); // PREVIEW_IMAGE
        assertThat(header.getInt()).isEqualTo(2); // PNG
        var image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(frame, 8, frame.length - 8));
        assertThat(image.getWidth()).isEqualTo(160);
        assertThat(image.getHeight()).isEqualTo(150);
        assertThat(image.getRGB(80, 75) & 0xFFFFFF).isEqualTo(0x0000FF);
    }

    @Test
    void aWorkerKilledMidPromptLosesItAndAnotherFinishesIt() throws Exception {
        TestServer api = server(ScaleOutSettings.Role.API);
        child = startChildWorker();
        await(30_000, () -> TestServer.json(api.get("/workers")).get("workers").size() == 1 ? true : null,
                "the child worker never registered");
        String id = post(api, prompt("survivor", 1500, null));
        await(10_000, () -> {
            JsonNode w = TestServer.json(api.get("/workers")).get("workers").get(0);
            return w != null && id.equals(w.path("current_prompt").asText()) ? true : null;
        }, "the child worker never took the prompt");
        Thread.sleep(300); // well inside the node
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ScaleOutNodes.RUNS).isEmpty(); // it ran in the other process, never here

        server(ScaleOutSettings.Role.WORKER);
        JsonNode entry = await(20_000, () -> {
            JsonNode h = TestServer.json(api.get("/history/" + id));
            return h.has(id) ? h.get(id) : null;
        }, "the lost prompt was never finished by the other worker");
        assertThat(entry.at("/status/status_str").asText()).isEqualTo("success");
        assertThat(entry.at("/outputs/1/text/0").asText()).isEqualTo("survivor");
        assertThat(ScaleOutNodes.RUNS.get("survivor")).hasValue(1);
        JsonNode first = entry.at("/status/messages/0");
        assertThat(first.get(0).asText()).isEqualTo("execution_error");
        assertThat(first.get(1).get("exception_type").asText()).isEqualTo("WorkerLost");
        assertThat(first.get(1).get("exception_message").asText()).contains("Attempt 1");
        assertThat(history(api)).hasSize(1); // recorded once
    }

    private Process startChildWorker() throws Exception {
        Path dir = Files.createTempDirectory(base, "child");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), ScaleOutServerMain.class.getName(),
                database, dir.toString(), Long.toString(LEASE_MILLIS))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        await(30_000, () -> {
            try {
                return Files.readString(dir.resolve("out.log")).contains("PORT ") ? true : null;
            } catch (java.io.IOException e) {
                return null;
            }
        }, "the child worker never started");
        return p;
    }

    @Test
    void interruptsAndDeletesReachTheWorkerWhereverItRuns() {
        TestServer api = server(ScaleOutSettings.Role.API);
        server(ScaleOutSettings.Role.WORKER);
        String running = post(api, prompt("long", 30_000, null));
        String waiting = post(api, prompt("waiting", 0, null));
        await(10_000, () -> {
            JsonNode q = TestServer.json(api.get("/queue")).get("queue_running");
            return q.size() == 1 && q.get(0).get(1).asText().equals(running) ? true : null;
        }, "the long prompt never started");
        ObjectNode delete = Json.object();
        delete.putArray("delete").add(waiting);
        assertThat(api.postJson("/queue", delete).statusCode()).isEqualTo(200);
        ObjectNode interrupt = Json.object().put("prompt_id", running);
        assertThat(api.postJson("/interrupt", interrupt).statusCode()).isEqualTo(200);
        JsonNode entry = await(10_000, () -> {
            JsonNode h = TestServer.json(api.get("/history/" + running));
            return h.has(running) ? h.get(running) : null;
        }, "the interrupt never reached the worker");
        assertThat(entry.at("/status/status_str").asText()).isEqualTo("error");
        List<String> types = new ArrayList<>();
        entry.at("/status/messages").forEach(m -> types.add(m.get(0).asText()));
        assertThat(types).contains("execution_interrupted");
        assertThat(TestServer.json(api.get("/history/" + waiting))).isEmpty();
        assertThat(ScaleOutNodes.RUNS).doesNotContainKey("waiting");
        assertThat(TestServer.json(api.get("/queue")).get("queue_pending")).isEmpty();
    }

    @Test
    void restartingEveryServerLosesNothing() {
        // 20 s, not the default 30 (which TestServer turns into 0: an interrupt at close)
        List<TestServer> first = List.of(server(ScaleOutSettings.Role.ALL, 20), server(ScaleOutSettings.Role.ALL, 20));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) ids.add(post(first.get(i % 2), prompt("r" + i, 100, null)));
        await(10_000, () -> history(first.getFirst()).size() >= 2 ? true : null, "nothing ran");
        for (TestServer s : first) {
            s.close(); // graceful: the running prompt finishes, the pending ones stay in the database
            servers.remove(s);
        }
        // Every server is down: what is left waits in the database.
        TestServer reader = server(ScaleOutSettings.Role.API);
        int finished = history(reader).size();
        int pending = TestServer.json(reader.get("/queue")).get("queue_pending").size();
        assertThat(finished).isLessThan(30);
        assertThat(finished + pending).isEqualTo(30);
        assertThat(TestServer.json(reader.get("/queue")).get("queue_running")).isEmpty();
        for (int i = 0; i < 30; i++) {
            String status = history(reader).path(ids.get(i)).at("/status/status_str").asText("pending");
            assertThat(status).as("r" + i + " before the restart").isIn("success", "pending");
        }

        List<TestServer> second = List.of(server(ScaleOutSettings.Role.ALL), server(ScaleOutSettings.Role.ALL));
        JsonNode all = await(30_000, () -> {
            JsonNode h = history(second.get(1));
            return h.size() == 30 ? h : null;
        }, "prompts were lost across the restart");
        for (int i = 0; i < 30; i++) {
            String id = ids.get(i);
            assertThat(all.get(id).at("/status/status_str").asText()).as("r" + i + ": " + all.get(id).get("status"))
                    .isEqualTo("success");
            assertThat(ScaleOutNodes.RUNS.get("r" + i)).as("runs of r" + i).hasValue(1);
        }
    }

    @Test
    void viewOnAnyServerServesAFileAnotherServerWrote() {
        TestServer api = server(ScaleOutSettings.Role.API);
        TestServer worker = server(ScaleOutSettings.Role.WORKER);
        ObjectNode body = Json.object();
        ObjectNode node = body.putObject("prompt").putObject("1");
        node.put("class_type", "ScaleOutWriteFile");
        node.putObject("inputs").put("filename", "peer_00001_.txt").put("text", "written on the worker");
        String id = post(api, body);
        JsonNode entry = api.waitForHistory(id);
        assertThat(entry.at("/outputs/1/images/0/filename").asText()).isEqualTo("peer_00001_.txt");

        var local = worker.get("/view?filename=peer_00001_.txt&type=output");
        var forwarded = api.get("/view?filename=peer_00001_.txt&type=output");
        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(forwarded.statusCode()).isEqualTo(200);
        assertThat(forwarded.body()).isEqualTo("written on the worker").isEqualTo(local.body());
        assertThat(forwarded.headers().firstValue("Content-Type")).isEqualTo(local.headers().firstValue("Content-Type"));
        // held nowhere: 404 from every server, and no request loops between them
        assertThat(api.get("/view?filename=nowhere.txt&type=output").statusCode()).isEqualTo(404);
        assertThat(worker.get("/view?filename=nowhere.txt&type=output").statusCode()).isEqualTo(404);
    }
}
