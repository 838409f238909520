package dev.comfy4j.bench;

import dev.comfy4j.support.WsClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A fresh server's first requests and a warm server's, as the issue measured them side by side
 * with ComfyUI: launch {@code target/comfy4j.jar} in a new JVM, 3 warm-up rounds, then 100 measured
 * rounds (cold), 500 more warm-ups, 100 measured rounds (warm), then SIGTERM. One round: a
 * {@code PrimitiveInt -> PreviewAny} prompt (value changed, so nothing is cached) timed from POST to
 * its answer and to the final {@code executing} on the WebSocket, then {@code GET /queue},
 * {@code GET /history?max_items=1} and {@code GET /object_info}.
 *
 * <p>Arguments: modes among {@code jit} (plain JVM), {@code cds} (the class-data archive the launcher
 * used before: {@code target/comfy4j.jsa}, made by a first run), {@code aot} (the ahead-of-time
 * cache {@code target/comfy4j.aot} that {@code bin/comfy4j} makes). Run from the repository root
 * after {@code ./mvnw -q -DskipTests package} and one {@code bin/comfy4j --help}.
 */
public final class ColdStartBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        List<String> modes = args.length == 0 ? List.of("jit", "cds", "aot") : List.of(args);
        System.out.println("| mode | first answer (ms) | phase | POST /prompt | POST to done | GET /queue | GET /history | GET /object_info |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        List<String> exits = new ArrayList<>();
        for (String mode : modes) exits.add(mode + ": SIGTERM to exit " + runMode(mode) + " ms");
        exits.forEach(System.out::println);
    }

    private static List<String> jvmOptions(String mode) {
        Path target = Path.of("target").toAbsolutePath();
        return switch (mode) {
            case "jit" -> List.of();
            case "cds" -> List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + target.resolve("comfy4j.jsa"),
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
            case "aot" -> List.of("-XX:AOTCache=" + target.resolve("comfy4j.aot"), "-Xlog:aot=off", "-Xlog:cds=off");
            default -> throw new IllegalArgumentException("mode " + mode);
        };
    }

    private static long runMode(String mode) throws Exception {
        if (mode.equals("cds") && !Files.exists(Path.of("target/comfy4j.jsa"))) {
            // The archive is written when a first server exits.
            stop(launch(mode, freePort(), Files.createTempDirectory("bench")).process());
        }
        int port = freePort();
        long launched = System.nanoTime();
        Launched server = launch(mode, port, Files.createTempDirectory("bench"));
        while (true) {
            try {
                if (get(port, "/prompt") == 200) break;
            } catch (java.io.IOException notYet) {
                Thread.sleep(5);
            }
        }
        long firstAnswer = (System.nanoTime() - launched) / 1_000_000;
        try {
            measureAll(mode, port, firstAnswer);
        } catch (Exception e) {
            server.process().destroyForcibly();
            throw e;
        }
        return stop(server.process());
    }

    private static void measureAll(String mode, int port, long firstAnswer) throws Exception {
        try (WsClient ws = WsClient.connect("ws://127.0.0.1:" + port + "/ws?clientId=bench")) {
            ws.next();
            int value = 0;
            for (int i = 0; i < 3; i++) round(port, ws, value++, null);
            long[][] cold = new long[5][100];
            for (int i = 0; i < 100; i++) measure(port, ws, value++, cold, i);
            for (int i = 0; i < 500; i++) round(port, ws, value++, null);
            long[][] warm = new long[5][100];
            for (int i = 0; i < 100; i++) measure(port, ws, value++, warm, i);
            print(mode, firstAnswer, "cold (first 100)", cold);
            print(mode, firstAnswer, "warm (after 600)", warm);
        }
    }

    private record Launched(Process process) {}

    private static Launched launch(String mode, int port, Path base) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(jvmOptions(mode));
        cmd.addAll(List.of("-jar", "target/comfy4j.jar", "--port", Integer.toString(port), "--base-directory", base.toString(),
                "--database", "none", "--cpu", "--verbose", "WARNING"));
        return new Launched(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    private static long stop(Process p) throws InterruptedException {
        long t0 = System.nanoTime();
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Microseconds of each step of one round, into {@code into} when measured. */
    private static void round(int port, WsClient ws, int value, long[] into) throws Exception {
        String body = "{\"client_id\": \"bench\", \"prompt\": {\"1\": {\"class_type\": \"PrimitiveInt\", \"inputs\": {\"value\": "
                + value + "}}, \"2\": {\"class_type\": \"PreviewAny\", \"inputs\": {\"source\": [\"1\", 0]}}}}";
        long t0 = System.nanoTime();
        HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/prompt"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        long t1 = System.nanoTime();
        if (posted.statusCode() != 200) throw new IllegalStateException(posted.body());
        ws.until(m -> m.type().equals("executing") && m.json().at("/data/node").isNull());
        long t2 = System.nanoTime();
        get(port, "/queue");
        long t3 = System.nanoTime();
        get(port, "/history?max_items=1");
        long t4 = System.nanoTime();
        get(port, "/object_info");
        long t5 = System.nanoTime();
        if (into != null) {
            into[0] = (t1 - t0) / 1000;
            into[1] = (t2 - t0) / 1000;
            into[2] = (t3 - t2) / 1000;
            into[3] = (t4 - t3) / 1000;
            into[4] = (t5 - t4) / 1000;
        }
    }

    private static void measure(int port, WsClient ws, int value, long[][] table, int i) throws Exception {
        long[] r = new long[5];
        round(port, ws, value, r);
        for (int k = 0; k < 5; k++) table[k][i] = r[k];
    }

    private static void print(String mode, long firstAnswer, String phase, long[][] t) {
        StringBuilder row = new StringBuilder("| " + mode + " | " + firstAnswer + " | " + phase);
        for (long[] measure : t) {
            long[] sorted = measure.clone();
            Arrays.sort(sorted);
            row.append(String.format(Locale.ROOT, " | %.2f ms (p90 %.2f)", sorted[49] / 1000.0, sorted[89] / 1000.0));
        }
        System.out.println(row.append(" |"));
    }

    private static int get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
