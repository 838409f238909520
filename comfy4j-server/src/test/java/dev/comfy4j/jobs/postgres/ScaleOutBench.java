package dev.comfy4j.jobs.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ScaleOutSettings;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.TestPostgres;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The shared queue measured (bench/README.md, scale-out): prompts per second through one PostgreSQL
 * with 1, 2 and 4 in-process workers behind one api server, on model-free prompts; POST-to-first-event
 * latency when the client's socket is on the api server and the prompt runs on a worker; {@code /view}
 * served locally and fetched from the holder. Lives beside the tests for their package-private nodes.
 * Args: [prompts per round] (default 300).
 */
public final class ScaleOutBench {
    private ScaleOutBench() {}

    public static void main(String[] args) throws Exception {
        int prompts = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path base = Files.createTempDirectory("comfy4j-scaleout-bench");
        try (TestPostgres pg = TestPostgres.start()) {
            for (int workers : new int[] {1, 2, 4}) throughput(pg.newDatabase(), base, workers, prompts);
            latency(pg.newDatabase(), base, 200);
            viewLatency(pg.newDatabase(), base, 500);
        }
        System.exit(0);
    }

    private static TestServer server(String db, Path base, ScaleOutSettings.Role role) throws Exception {
        ServerConfig config = TestServer.config(Files.createTempDirectory(base, "s")).withPort(0)
                .withScaleOut(ScaleOutSettings.defaults().withDatabaseUrl(db).withRole(role).withLeaseMillis(10_000));
        return TestServer.start(config, ScaleOutNodes::engine);
    }

    private static ObjectNode prompt(String text, String clientId) {
        ObjectNode body = Json.object();
        ObjectNode node = body.putObject("prompt").putObject("1");
        node.put("class_type", "ScaleOutEcho");
        node.putObject("inputs").put("text", text).put("ms", 0);
        if (clientId != null) body.put("client_id", clientId);
        return body;
    }

    private static void throughput(String db, Path base, int workerCount, int prompts) throws Exception {
        List<TestServer> servers = new ArrayList<>();
        try {
            TestServer api = server(db, base, ScaleOutSettings.Role.API);
            servers.add(api);
            for (int i = 0; i < workerCount; i++) servers.add(server(db, base, ScaleOutSettings.Role.WORKER));
            for (int i = 0; i < 20; i++) api.postJson("/prompt", prompt("warm" + workerCount + "-" + i, null));
            waitForHistory(api, 20);
            long start = System.nanoTime();
            for (int i = 0; i < prompts; i++) api.postJson("/prompt", prompt("t" + workerCount + "-" + i, null));
            long posted = System.nanoTime();
            waitForHistory(api, 20 + prompts);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "workers=%d prompts=%d total=%.2f s (posting %.2f s) -> %.1f prompts/s%n",
                    workerCount, prompts, seconds, (posted - start) / 1e9, prompts / seconds);
        } finally {
            servers.forEach(TestServer::close);
        }
    }

    private static void waitForHistory(TestServer api, int count) throws InterruptedException {
        while (TestServer.json(api.get("/history")).size() < count) Thread.sleep(20);
    }

    private static void latency(String db, Path base, int rounds) throws Exception {
        TestServer api = server(db, base, ScaleOutSettings.Role.API);
        TestServer worker = server(db, base, ScaleOutSettings.Role.WORKER);
        try (WsClient ws = api.websocket("bench")) {
            ws.next();
            long[] nanos = new long[rounds];
            for (int i = -20; i < rounds; i++) {
                long t0 = System.nanoTime();
                String id = TestServer.json(api.postJson("/prompt", prompt("l" + i, "bench"))).get("prompt_id").asText();
                long first = 0;
                while (true) {
                    WsClient.Message m = ws.next();
                    if (m.json() == null || !id.equals(m.json().at("/data/prompt_id").asText())) continue;
                    if (first == 0) first = System.nanoTime() - t0;
                    if (m.type().equals("executing") && m.json().at("/data/node").isNull()) break;
                }
                if (i >= 0) nanos[i] = first;
            }
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "POST on api server -> first event of the prompt run on another server: p50 %.1f ms, p99 %.1f ms (n=%d)%n",
                    nanos[rounds / 2] / 1e6, nanos[(int) Math.ceil(rounds * 0.99) - 1] / 1e6, rounds);
        } finally {
            api.close();
            worker.close();
        }
    }

    /** GET /view of a small file on the worker that wrote it, and through the api server (one forwarded hop). */
    private static void viewLatency(String db, Path base, int rounds) throws Exception {
        TestServer api = server(db, base, ScaleOutSettings.Role.API);
        TestServer worker = server(db, base, ScaleOutSettings.Role.WORKER);
        try {
            ObjectNode body = Json.object();
            ObjectNode node = body.putObject("prompt").putObject("1");
            node.put("class_type", "ScaleOutWriteFile");
            node.putObject("inputs").put("filename", "bench_view.txt").put("text", "x".repeat(4096));
            api.postJson("/prompt", body);
            waitForHistory(api, 1);
            String path = "/view?filename=bench_view.txt&type=output";
            for (TestServer s : List.of(worker, api)) {
                long[] nanos = new long[rounds];
                for (int i = -50; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    var response = s.get(path);
                    if (response.statusCode() != 200) throw new IllegalStateException("/view answered " + response.statusCode());
                    if (i >= 0) nanos[i] = System.nanoTime() - t0;
                }
                Arrays.sort(nanos);
                System.out.printf(Locale.ROOT, "/view of a 4 KB output %s: p50 %.2f ms, p99 %.2f ms (n=%d)%n",
                        s == worker ? "on the worker that holds it" : "through the api server (forwarded)",
                        nanos[rounds / 2] / 1e6, nanos[(int) Math.ceil(rounds * 0.99) - 1] / 1e6, rounds);
            }
        } finally {
            api.close();
            worker.close();
        }
    }
}
