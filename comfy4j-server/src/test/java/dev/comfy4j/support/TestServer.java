package dev.comfy4j.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.App;
import dev.comfy4j.config.ProductionSettings;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/** A real comfy4j server on a random loopback port with its own folders, plus a small HTTP client. */
public final class TestServer implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final App app;

    private TestServer(App app) {
        this.app = app;
    }

    public static TestServer start(ServerConfig config) {
        return new TestServer(App.start(forTests(config)));
    }

    public static TestServer start(ServerConfig config, Function<ServerConfig, Engine> engine) {
        return new TestServer(App.start(forTests(config), engine));
    }

    /**
     * A random port, and a server that stops at once: a prompt still running at close is interrupted
     * without the default 30 s grace, unless the test chose a {@code --shutdown-timeout} of its own.
     */
    private static ServerConfig forTests(ServerConfig config) {
        var production = config.production();
        if (production.shutdownTimeoutSeconds() == ProductionSettings.DEFAULT_SHUTDOWN_TIMEOUT_SECONDS) {
            config = config.withProduction(production.withShutdownTimeout(0));
        }
        return config.withPort(0);
    }

    /** Defaults rooted at {@code base}, memory-only queue. */
    public static ServerConfig config(Path base) {
        return ServerConfig.defaults(base).withDatabase(null);
    }

    public App app() {
        return app;
    }

    public int port() {
        return app.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> postJson(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.parse(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** Polls {@code /history/{id}} until the prompt is there, and returns its entry. */
    public JsonNode waitForHistory(String promptId) {
        return waitForHistory(promptId, 10_000);
    }

    /** {@link #waitForHistory(String)} for prompts that compute with models (slow on a loaded CPU). */
    public JsonNode waitForHistory(String promptId, long timeoutMillis) {
        return poll(timeoutMillis, () -> {
            JsonNode h = json(get("/history/" + promptId));
            return h.has(promptId) ? h.get(promptId) : null;
        }, "prompt " + promptId + " never reached history");
    }

    /** Polls {@code /queue} until this prompt is the running one. */
    public void awaitRunning(String promptId) {
        poll(() -> {
            JsonNode running = json(get("/queue")).get("queue_running");
            return !running.isEmpty() && running.get(0).get(1).asText().equals(promptId) ? running : null;
        }, promptId + " never started");
    }

    private static <T> T poll(java.util.function.Supplier<T> probe, String failure) {
        return poll(10_000, probe, failure);
    }

    private static <T> T poll(long timeoutMillis, java.util.function.Supplier<T> probe, String failure) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.get();
            if (value != null) return value;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError(failure);
    }

    public WsClient websocket(String clientId) {
        return WsClient.connect(url("/ws").replace("http:", "ws:") + (clientId == null ? "" : "?clientId=" + clientId));
    }

    @Override
    public void close() {
        app.close();
    }
}
