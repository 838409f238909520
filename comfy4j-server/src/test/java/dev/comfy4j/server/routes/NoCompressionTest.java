package dev.comfy4j.server.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every browser sends {@code Accept-Encoding: gzip}. ComfyUI compresses nothing by default, so comfy4j
 * answers with the identity encoding too, and the body decoded as the headers say is the file itself.
 */
class NoCompressionTest {
    private static final String[] BROWSER_HEADERS = {"Accept-Encoding", "gzip, deflate, br, zstd"};

    @TempDir
    Path base;
    Path web;
    ServerHarness server;

    @BeforeEach
    void start() throws IOException {
        web = Files.createDirectories(base.resolve("web"));
        server = new ServerHarness(ServerConfig.defaults(base).withFrontEndRoot(web));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Compressible text: repeated lines, as in a JS bundle or a saved workflow. */
    private static byte[] text(int size, String line) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < size; i++) b.append(line).append(i).append('\n');
        return b.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void staticFilesReachABrowserWhole() throws Exception {
        byte[] index = text(40_000, "<p>index line ");
        byte[] module = text(300_000, "export const value = ");
        byte[] font = new byte[50_000];
        new Random(7).nextBytes(font);
        Files.write(web.resolve("index.html"), index);
        Files.write(web.resolve("app.js"), module);
        Files.write(web.resolve("font.woff2"), font);

        assertDecodedBodyIs(server.get("/", BROWSER_HEADERS), 200, index);
        assertDecodedBodyIs(server.get("/index.html", BROWSER_HEADERS), 200, index);
        assertDecodedBodyIs(server.get("/app.js", BROWSER_HEADERS), 200, module);
        assertDecodedBodyIs(server.get("/font.woff2", BROWSER_HEADERS), 200, font);
    }

    @Test
    void aRangedRequestGetsExactlyItsRange() throws Exception {
        byte[] module = text(100_000, "export const value = ");
        Files.write(web.resolve("app.js"), module);
        HttpResponse<byte[]> range = server.get("/app.js", "Accept-Encoding", "gzip", "Range", "bytes=1000-60999");
        assertDecodedBodyIs(range, 206, Arrays.copyOfRange(module, 1000, 61000));
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 1000-60999/100000");
    }

    @Test
    void aTwentyKilobyteWorkflowReadsBackAsItWasSaved() throws Exception {
        byte[] workflow = text(20_480, "{\"id\": 1, \"type\": \"KSampler\", \"pos\": [10, 20]},");
        HttpResponse<byte[]> saved = server.send("POST", "/userdata/workflows%2Fbig.json", workflow, "application/json");
        assertThat(saved.statusCode()).isEqualTo(200);
        assertDecodedBodyIs(server.get("/userdata/workflows%2Fbig.json", BROWSER_HEADERS), 200, workflow);
        assertDecodedBodyIs(server.get("/api/userdata/workflows%2Fbig.json", BROWSER_HEADERS), 200, workflow);
    }

    @Test
    void largeJsonAnswersAreNotCompressedEither() throws Exception {
        HttpResponse<byte[]> info = server.get("/object_info", BROWSER_HEADERS);
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body().length).isGreaterThan(1500);
        assertThat(info.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(info.body(), StandardCharsets.UTF_8)).startsWith("{");
    }

    /** The body after undoing whatever Content-Encoding says, and the length the headers promised. */
    private static void assertDecodedBodyIs(HttpResponse<byte[]> response, int status, byte[] expected) throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
        byte[] decoded = switch (encoding) {
            case "identity" -> response.body();
            case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes();
            default -> throw new AssertionError("unexpected Content-Encoding " + encoding);
        };
        assertThat(decoded).isEqualTo(expected);
        response.headers().firstValueAsLong("Content-Length")
                .ifPresent(length -> assertThat(length).isEqualTo(response.body().length));
        // ComfyUI compresses nothing without --enable-compress-response-body.
        assertThat(encoding).isEqualTo("identity");
    }
}
