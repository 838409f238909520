package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.support.HeadlessBrowser;
import dev.comfy4j.support.RawHttp;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --enable-cors-header}: a browser on another origin must be able to POST JSON, which takes a
 * preflight {@code OPTIONS} that carries ComfyUI's four headers, and must be able to read error answers.
 */
class CorsTest {
    private static final String APP = "http://app.example";
    private static final Map<String, String> CORS_HEADERS = Map.of(
            "access-control-allow-origin", APP,
            "access-control-allow-methods", "POST, GET, DELETE, PUT, OPTIONS, PATCH",
            "access-control-allow-headers", "Content-Type, Authorization",
            "access-control-allow-credentials", "true");

    @TempDir
    Path base;

    /** The scripted engine, except that validating the class {@code Boom} throws (a 500). */
    private static Engine engineWithA500() {
        ScriptedEngine scripted = new ScriptedEngine();
        return (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] {Engine.class}, (proxy, method, args) -> {
            if (method.getName().equals("validate") && args[1].toString().contains("Boom")) {
                throw new IllegalStateException("validation crashed");
            }
            try {
                return method.invoke(scripted, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void aPreflightSequenceOverHttp() {
        try (TestServer server = TestServer.start(TestServer.config(base).withCors(APP), c -> engineWithA500())) {
            int port = server.port();
            RawHttp.Answer preflight = RawHttp.send(port, "OPTIONS", "/api/prompt", null, "Origin", APP,
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
            assertThat(preflight.status()).isEqualTo(200);
            assertThat(preflight.body()).isEmpty();
            assertCors(preflight);

            RawHttp.Answer post = RawHttp.send(port, "POST", "/api/prompt",
                    "{\"prompt\": {\"1\": {\"class_type\": \"Out\", \"inputs\": {}}}}",
                    "Origin", APP, "Content-Type", "application/json");
            assertThat(post.status()).isEqualTo(200);
            assertCors(post);

            // Errors, whether a handler's, the router's or the server's, carry the headers as well.
            RawHttp.Answer invalid = RawHttp.send(port, "POST", "/api/prompt", "{\"no\": 1}", "Origin", APP,
                    "Content-Type", "application/json");
            assertThat(invalid.status()).isEqualTo(400);
            assertCors(invalid);
            RawHttp.Answer missing = RawHttp.send(port, "GET", "/api/nothing/here", null, "Origin", APP);
            assertThat(missing.status()).isEqualTo(404);
            assertCors(missing);
            RawHttp.Answer wrongMethod = RawHttp.send(port, "PUT", "/api/prompt", "", "Origin", APP);
            assertThat(wrongMethod.status()).isEqualTo(405);
            assertCors(wrongMethod);
            RawHttp.Answer crash = RawHttp.send(port, "POST", "/api/prompt",
                    "{\"prompt\": {\"1\": {\"class_type\": \"Boom\", \"inputs\": {}}}}", "Origin", APP);
            assertThat(crash.status()).isEqualTo(500);
            assertCors(crash);
        }
    }

    @Test
    void aRequestOverTheBodyLimitGetsTheHeadersWithIts413() {
        try (TestServer server = TestServer.start(TestServer.config(base).withCors(APP).withMaxUploadBytes(1000))) {
            RawHttp.Answer tooLarge = RawHttp.send(server.port(), "POST", "/api/prompt", "{\"x\": \"" + "a".repeat(2000) + "\"}",
                    "Origin", APP, "Content-Type", "application/json");
            assertThat(tooLarge.status()).isEqualTo(413);
            assertCors(tooLarge);
        }
    }

    private static void assertCors(RawHttp.Answer answer) {
        CORS_HEADERS.forEach((name, value) -> assertThat(answer.headers().get(name)).as(name).containsExactly(value));
    }

    /** A page on one origin (server A) calls a CORS-enabled server on another (B), as a browser app would. */
    @Test
    void aPageOnAnotherOriginPostsJsonAndReadsTheAnswers() throws Exception {
        HeadlessBrowser.require();
        Path web = Files.createDirectories(base.resolve("web"));
        try (TestServer api = TestServer.start(TestServer.config(base.resolve("api")).withCors("*"), c -> engineWithA500())) {
            Files.writeString(web.resolve("index.html"), """
                    <!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script>
                    const api = 'http://127.0.0.1:%d/api';
                    async function call(path, init) {
                      const r = await fetch(api + path, init);
                      return { status: r.status, body: await r.json() };
                    }
                    const json = { 'Content-Type': 'application/json' };
                    window.comfy4jTest = (async () => ({
                      queued: await call('/prompt', { method: 'POST', headers: json,
                          body: JSON.stringify({ prompt: { '1': { class_type: 'Out', inputs: {} } } }) }),
                      refused: await call('/prompt', { method: 'POST', headers: json, body: JSON.stringify({}) }),
                      status: await call('/prompt', {}),
                    }))().catch((e) => ({ failed: String(e) }));
                    </script></body></html>
                    """.formatted(api.port()));
            try (TestServer page = TestServer.start(TestServer.config(base.resolve("page")).withFrontEndRoot(web))) {
                HeadlessBrowser.Report report = HeadlessBrowser.open(page.url("/"), Duration.ofSeconds(60));
                JsonNode result = report.result();
                assertThat(result.has("failed")).as("the page's fetch failed: %s", result).isFalse();
                assertThat(result.path("queued").path("status").asInt()).isEqualTo(200);
                assertThat(result.path("queued").path("body").path("prompt_id").asText()).isNotEmpty();
                assertThat(result.path("refused").path("status").asInt()).isEqualTo(400);
                assertThat(result.path("refused").path("body").path("error").path("type").asText()).isEqualTo("no_prompt");
                assertThat(result.path("status").path("body").has("exec_info")).isTrue();
                assertThat(report.errors()).allMatch(e -> e.contains("400 (Bad Request)"), "only the deliberate 400 is logged");
            }
        }
    }
}
