package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.support.HeadlessBrowser;
import dev.comfy4j.support.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser (headless Chromium) loads a frontend served with {@code --front-end-root}: every file
 * must arrive whole (the browser's decoded body has the file's size and SHA-256) and the page's console
 * must stay free of errors. Browsers always send {@code Accept-Encoding: gzip}, which once made
 * comfy4j send compressed bodies under the uncompressed Content-Length.
 */
class BrowserLoadTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path base;

    @Test
    void aFrontendLoadsIntactInHeadlessChromium() throws Exception {
        HeadlessBrowser.require();
        Path web = Files.createDirectories(base.resolve("web"));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("index.html", indexHtml());
        files.put("main.js", largeModule());
        files.put("style.css", repeated(30_000, i -> ".rule-" + i + " { margin: " + (i % 17) + "px; }\n"));
        files.put("data/big.json", bigJson());
        for (var file : files.entrySet()) {
            Path target = web.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
        }
        byte[] workflow = repeated(20_500, i -> "{\"id\": " + i + ", \"type\": \"KSampler\"},");

        try (TestServer server = TestServer.start(TestServer.config(base).withFrontEndRoot(web))) {
            var saved = server.send(HttpRequest.newBuilder(URI.create(server.url("/userdata/workflows%2Fbig.json")))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(workflow)).build());
            assertThat(saved.statusCode()).isEqualTo(200);

            HeadlessBrowser.Report report = HeadlessBrowser.open(server.url("/"), TIMEOUT);

            assertThat(report.errors()).as("console errors, page errors and failed requests").isEmpty();
            assertIntact(report.response(":" + server.port() + "/"), files.get("index.html"));
            assertIntact(report.response("/main.js"), files.get("main.js"));
            assertIntact(report.response("/style.css"), files.get("style.css"));
            assertIntact(report.response("/data/big.json"), files.get("data/big.json"));
            assertIntact(report.response("/api/userdata/workflows%2Fbig.json"), workflow);

            // The page's own view: the module ran to its end, and fetch() read both documents whole.
            JsonNode result = report.result();
            assertThat(result.path("moduleTail").asText()).isEqualTo("end of main.js");
            assertThat(result.path("bigItems").asInt()).isEqualTo(3000);
            assertThat(result.path("workflowLength").asInt()).isEqualTo(workflow.length);
            assertThat(result.path("cssApplied").asText()).isEqualTo("7px");
        }
    }

    private static void assertIntact(JsonNode response, byte[] file) throws Exception {
        assertThat(response.path("status").asInt()).as("status of %s", response).isEqualTo(200);
        assertThat(response.path("size").asLong()).as("decoded size of %s", response.path("url")).isEqualTo(file.length);
        assertThat(response.path("sha256").asText()).as("SHA-256 of %s", response.path("url")).isEqualTo(sha256(file));
    }

    private static byte[] indexHtml() {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>comfy4j browser test</title>\n");
        b.append("<link rel=\"icon\" href=\"data:,\">\n"); // no favicon request
        b.append("<link rel=\"stylesheet\" href=\"style.css\">\n<script type=\"module\" src=\"main.js\"></script>\n");
        b.append("</head><body>\n<div id=\"probe\" class=\"rule-7\">probe</div>\n");
        for (int i = 0; i < 200; i++) b.append("<p>Paragraph ").append(i).append(" of a page larger than the old limit.</p>\n");
        return b.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** About 400 KB of module code whose last statement publishes the page's test result. */
    private static byte[] largeModule() {
        StringBuilder b = new StringBuilder("const table = [\n");
        for (int i = 0; i < 12_000; i++) b.append("  { id: ").append(i).append(", name: \"entry number ").append(i).append("\" },\n");
        b.append("];\n");
        b.append("""
                async function check() {
                  const big = await (await fetch('data/big.json')).json();
                  const workflow = await (await fetch('/api/userdata/workflows%2Fbig.json')).text();
                  const css = getComputedStyle(document.getElementById('probe')).marginTop;
                  return { moduleTail: table.length === 12000 ? 'end of main.js' : 'short table',
                           bigItems: big.items.length, workflowLength: workflow.length, cssApplied: css };
                }
                window.comfy4jTest = check();
                """);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bigJson() {
        StringBuilder b = new StringBuilder("{\"items\": [");
        for (int i = 0; i < 3000; i++) b.append(i == 0 ? "" : ", ").append("{\"n\": ").append(i).append(", \"label\": \"item ").append(i).append("\"}");
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] repeated(int size, java.util.function.IntFunction<String> line) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < size; i++) b.append(line.apply(i));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
