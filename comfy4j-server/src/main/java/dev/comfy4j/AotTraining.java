package dev.comfy4j;

import dev.comfy4j.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run of the JVM's ahead-of-time cache (JEP 483/514/515): {@code bin/comfy4j} runs this
 * once per build with {@code -XX:AOTCacheOutput}, and later starts load the classes it used, linked,
 * with their method profiles. It starts a real server on a temporary folder and a random loopback
 * port and drives the routes a client uses first: the WebSocket, {@code POST /prompt} to the end of
 * the run, {@code /queue}, {@code /history}, {@code /object_info}, {@code /system_stats}.
 */
public final class AotTraining {
    private AotTraining() {}

    /** Rounds of the request mix: enough for the profiles to settle without slowing the first start much. */
    private static final int ROUNDS = 200;

    public static void main(String[] args) throws Exception {
        Path base = Files.createTempDirectory("comfy4j-aot-training");
        try (App app = App.start(ServerConfig.defaults(base).toBuilder().port(0).database(null).build())) {
            new AotTraining.Client(app.port()).exercise();
        } finally {
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static final class Client {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String root;

        Client(int port) {
            this.root = "http://127.0.0.1:" + port;
        }

        void exercise() throws Exception {
            get("/object_info");
            get("/system_stats");
            get("/features");
            for (int round = 0; round < ROUNDS; round++) {
                CountDownLatch done = new CountDownLatch(1);
                String clientId = "training-" + round;
                WebSocket ws = http.newWebSocketBuilder()
                        .buildAsync(URI.create(root.replace("http:", "ws:") + "/ws?clientId=" + clientId), new Listener(done))
                        .get(10, TimeUnit.SECONDS);
                String prompt = "{\"client_id\": \"" + clientId + "\", \"prompt\": {"
                        + "\"1\": {\"class_type\": \"PrimitiveInt\", \"inputs\": {\"value\": " + round + "}},"
                        + "\"2\": {\"class_type\": \"PreviewAny\", \"inputs\": {\"source\": [\"1\", 0]}}}}";
                post("/prompt", prompt);
                get("/queue");
                get("/prompt");
                done.await(10, TimeUnit.SECONDS);
                get("/history?max_items=5");
                get("/history/missing");
                if (round % 20 == 0) {
                    get("/object_info/PreviewAny");
                    get("/system_stats");
                    post("/prompt", "{\"prompt\": {\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}}");
                }
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            }
        }

        private void get(String path) throws IOException, InterruptedException {
            http.send(HttpRequest.newBuilder(URI.create(root + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        private void post(String path, String body) throws IOException, InterruptedException {
            http.send(HttpRequest.newBuilder(URI.create(root + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Counts down when the prompt's final {@code executing} (node null) arrives. */
    private record Listener(CountDownLatch done) implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            String text = data.toString();
            if (text.contains("\"executing\"") && text.replace(" ", "").contains("\"node\":null")) done.countDown();
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
        }
    }
}
