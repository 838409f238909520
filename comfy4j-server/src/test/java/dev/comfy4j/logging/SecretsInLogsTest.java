package dev.comfy4j.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 items 3 and 8: a posted credential never reaches the log, at any {@code --verbose} level
 * (Jetty used to dump request bodies at DEBUG), neither on the process's output nor through
 * {@code /internal/logs/raw}; log lines carry timestamps and say when a prompt was queued and how it
 * ended. The log level is fixed when the logger starts, so each level runs the real server in a
 * process of its own.
 */
class SecretsInLogsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "tok-SECRET-4f1d9a";
    private static final String API_KEY = "key-SECRET-77b2c0";
    private static final String PASSWORD = "pw-SECRET-0c3e11";

    @TempDir Path dir;

    private record Server(Process process, int port, Path output) {}

    private Server start(List<String> javaOptions, String... flags) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.comfy4j.Main",
                "--port", Integer.toString(port), "--base-directory", dir.toString(), "--database", "none", "--cpu"));
        command.addAll(List.of(flags));
        Path output = dir.resolve("server-output.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Server server = new Server(p, port, output);
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                if (get(server, "/queue").statusCode() == 200) return server;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                    p.destroyForcibly();
                    throw new AssertionError("server did not start:\n" + Files.readString(output));
                }
                Thread.sleep(100);
            }
        }
    }

    private static HttpResponse<String> get(Server s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(Server s, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String promptBody(String prompt) {
        return "{\"prompt\": " + prompt + ", \"client_id\": \"c1\", \"extra_data\": {\"auth_token_comfy_org\": \"" + TOKEN
                + "\", \"api_key_comfy_org\": \"" + API_KEY + "\", \"db_password\": \"" + PASSWORD + "\"}}";
    }

    /** Posts a good and a bad prompt carrying credentials; returns the process output and the served log. */
    private String[] exercise(Server s) throws Exception {
        try {
            return exerciseRunning(s);
        } finally {
            // A failed assertion must not leave a server behind.
            if (s.process().isAlive()) s.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String[] exerciseRunning(Server s) throws Exception {
        String good = "{\"1\": {\"class_type\": \"PrimitiveInt\", \"inputs\": {\"value\": 3}},"
                + " \"2\": {\"class_type\": \"PreviewAny\", \"inputs\": {\"source\": [\"1\", 0]}}}";
        HttpResponse<String> accepted = post(s, "/prompt", promptBody(good));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = dev.comfy4j.json.Json.parse(accepted.body()).get("prompt_id").asText();
        assertThat(post(s, "/prompt", promptBody("{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}")).statusCode())
                .isEqualTo(400);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!get(s, "/history/" + id).body().contains("\"status_str\"") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        get(s, "/queue?token=" + TOKEN); // a credential in a query string, for good measure
        Thread.sleep(300); // the log lines of the run reach the capture
        String served = get(s, "/internal/logs/raw").body();
        s.process().destroy(); // SIGTERM
        assertThat(s.process().waitFor(30, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
        return new String[] {Files.readString(s.output()), served};
    }

    private static void assertNoSecret(String where, String text) {
        assertThat(text).as(where).doesNotContain(TOKEN).doesNotContain(API_KEY).doesNotContain(PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRACE", "DEBUG", "INFO", "WARNING", "ERROR"})
    void aPostedCredentialNeverReachesTheLog(String level) throws Exception {
        String[] logs = exercise(start(List.of(), "--verbose", level));
        assertNoSecret("process output at " + level, logs[0]);
        assertNoSecret("/internal/logs/raw at " + level, logs[1]);
        boolean infoShown = level.equals("TRACE") || level.equals("DEBUG") || level.equals("INFO");
        assertThat(logs[0].contains("got prompt")).as("INFO lines at " + level + ":\n" + logs[0]).isEqualTo(infoShown);
        if (level.equals("WARNING")) assertThat(logs[0]).contains("invalid prompt: ");
        if (level.equals("INFO")) assertReadableLines(logs[0]);
    }

    @Test
    void evenJettysOwnDebugOutputIsMaskedWhenAskedFor() throws Exception {
        String[] logs = exercise(start(List.of("-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=debug")));
        assertThat(logs[0]).as("Jetty's debug output is there").contains("DEBUG");
        assertNoSecret("process output with Jetty at DEBUG", logs[0]);
        assertNoSecret("/internal/logs/raw with Jetty at DEBUG", logs[1]);
    }

    /** Item 8, on the output of the INFO run. */
    private static void assertReadableLines(String output) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            assertThat(line).as("every log line starts with a timestamp").matches("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} .*");
        }
        assertThat(output).contains("INFO PromptQueue - got prompt ");
        assertThat(output).containsPattern("INFO Worker - Prompt executed in \\d+\\.\\d\\d seconds");
        assertThat(output).contains("WARN GraphEngine - invalid prompt: ");
        assertThat(output).as("no Jetty or Javalin start-up chatter").doesNotContain("oejs").doesNotContain("Javalin")
                .doesNotContain("jetty-12");
        assertThat(output).doesNotContain("\u001b[");
    }
}
