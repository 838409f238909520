package dev.comfy4j.server.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.config.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticAndInternalRoutesTest {
    @TempDir
    Path base;
    Path web;
    ServerHarness server;

    @BeforeEach
    void start() throws Exception {
        web = Files.createDirectories(base.resolve("web"));
        Files.writeString(web.resolve("index.html"), "<html>hi</html>");
        Files.writeString(web.resolve("app.js"), "console.log(1)");
        Files.createDirectories(web.resolve("assets"));
        Files.createDirectories(web.resolve("extensions/core"));
        Files.writeString(web.resolve("extensions/core/a.js"), "");
        Files.writeString(base.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(web.resolve("leak.txt"), base.resolve("secret.txt"));
        server = new ServerHarness(ServerConfig.defaults(base).withFrontEndRoot(web));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void webRootServesFilesWithAiohttpSemantics() throws Exception {
        HttpResponse<byte[]> index = server.get("/");
        assertThat(ServerHarness.text(index)).isEqualTo("<html>hi</html>");
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(server.get("/api/").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> js = server.get("/app.js");
        assertThat(js.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/javascript");
        String etag = js.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]+-e\"");
        assertThat(js.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(server.get("/app.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
        String lastModified = js.headers().firstValue("Last-Modified").orElseThrow();
        assertThat(server.get("/app.js", "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT").statusCode()).isEqualTo(304);
        assertThat(server.get("/app.js", "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").statusCode()).isEqualTo(200);
        assertThat(lastModified).endsWith("GMT");

        HttpResponse<byte[]> range = server.get("/app.js", "Range", "bytes=0-6");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(ServerHarness.text(range)).isEqualTo("console");
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 0-6/14");
        assertThat(ServerHarness.text(server.get("/app.js", "Range", "bytes=-3"))).isEqualTo("(1)");
        assertThat(server.get("/app.js", "Range", "bytes=100-").statusCode()).isEqualTo(416);

        assertThat(server.get("/assets").statusCode()).isEqualTo(403);
        assertThat(server.get("/nothing.js").statusCode()).isEqualTo(404);
        assertThat(server.get("/leak.txt").statusCode()).isEqualTo(404);
        // Jetty itself refuses a path that climbs above "/" (400); one that stays below is ours to refuse (404).
        for (String path : new String[] {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/..%2Fsecret.txt"}) {
            String answer = server.raw("GET " + path + " HTTP/1.1");
            assertThat(answer).matches("(?s)HTTP/1.1 40[04] .*").doesNotContain("\r\n\r\nsecret");
        }
        assertThat(server.raw("GET /assets/../app.js HTTP/1.1")).startsWith("HTTP/1.1 200");
        assertThat(ServerHarness.text(server.get("/extensions"))).isEqualTo("[\"/extensions/core/a.js\"]");
    }

    @Test
    void internalRoutes() throws Exception {
        Files.writeString(base.resolve("output/old.png"), "1");
        Files.setLastModifiedTime(base.resolve("output/old.png"), java.nio.file.attribute.FileTime.fromMillis(1000));
        Files.writeString(base.resolve("output/new.png"), "2");
        Files.writeString(base.resolve("output/.DS_Store"), "");
        assertThat(ServerHarness.text(server.get("/internal/files/output"))).isEqualTo("[\"new.png\",\"old.png\"]");
        HttpResponse<byte[]> bad = server.get("/internal/files/bogus");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(ServerHarness.text(bad)).isEqualTo("{\"error\":\"Invalid directory type\"}");
        assertThat(server.get("/api/internal/logs/raw").statusCode()).isEqualTo(404);

        System.err.println("comfy4j log capture probe");
        String raw = ServerHarness.text(server.get("/internal/logs/raw"));
        assertThat(raw).contains("\"m\":\"comfy4j log capture probe\\n\"").contains("\"size\":{\"cols\":");
        assertThat(ServerHarness.text(server.get("/internal/logs"))).contains(" - comfy4j log capture probe\\n");
        assertThat(server.send("PATCH", "/internal/logs/subscribe", "{\"clientId\": \"abc\", \"enabled\": true}".getBytes(), null)
                .statusCode()).isEqualTo(200);
        assertThat(server.send("PATCH", "/internal/logs/subscribe", "{\"clientId\": \"abc\"}".getBytes(), null)
                .statusCode()).isEqualTo(400);
        assertThat(ServerHarness.text(server.get("/internal/folder_paths")))
                .contains("\"checkpoints\":[\"" + base.resolve("models/checkpoints") + "\",\"" + base.resolve("output/checkpoints") + "\"]");
    }

    @Test
    void modelListings() throws Exception {
        Path ckpt = Files.createDirectories(base.resolve("models/checkpoints/sub"));
        Files.write(ckpt.resolve("b.safetensors"), safetensors("{\"__metadata__\":{\"format\":\"pt\"}}"));
        Files.writeString(base.resolve("models/checkpoints/a.ckpt"), "x");
        Files.writeString(base.resolve("models/checkpoints/notes.txt"), "x");
        Files.createDirectories(base.resolve("models/checkpoints/.git"));
        Files.writeString(base.resolve("models/checkpoints/.git/c.ckpt"), "x");
        Files.createDirectories(base.resolve("models/clip"));
        Files.writeString(base.resolve("models/clip/t5.safetensors"), "x");
        assertThat(ServerHarness.text(server.get("/models/checkpoints"))).isEqualTo("[\"a.ckpt\",\"sub/b.safetensors\"]");
        assertThat(ServerHarness.text(server.get("/models/text_encoders"))).isEqualTo("[\"t5.safetensors\"]");
        assertThat(server.get("/models/clip").statusCode()).isEqualTo(404);
        assertThat(server.get("/experiment/models/nope").statusCode()).isEqualTo(404);
        assertThat(ServerHarness.text(server.get("/experiment/models/checkpoints")))
                .startsWith("[{\"name\":\"a.ckpt\",\"pathIndex\":0,\"modified\":");
        assertThat(ServerHarness.text(server.get("/view_metadata/checkpoints?filename=sub/b.safetensors")))
                .isEqualTo("{\"format\":\"pt\"}");
        assertThat(server.get("/view_metadata/checkpoints?filename=..%2F..%2Fx.safetensors").statusCode()).isEqualTo(404);
        assertThat(server.get("/view_metadata/checkpoints?filename=a.ckpt").statusCode()).isEqualTo(404);
        assertThat(server.get("/experiment/models/preview/checkpoints/0/sub/b.safetensors").statusCode()).isEqualTo(404);
        Files.write(ckpt.resolve("b.preview.png"), ServerHarness.png(1, 1, new int[] {0xff112233}, false, java.util.Map.of()));
        HttpResponse<byte[]> preview = server.get("/experiment/models/preview/checkpoints/0/sub/b.safetensors");
        assertThat(preview.headers().firstValue("Content-Type")).hasValue("image/webp");
        assertThat(server.raw("GET /experiment/models/preview/checkpoints/0/..%2F..%2F..%2Fsecret.txt HTTP/1.1"))
                .startsWith("HTTP/1.1 404");
        assertThat(server.get("/experiment/models/preview/checkpoints/x/a.ckpt").statusCode()).isEqualTo(400);
    }

    private static byte[] safetensors(String header) {
        byte[] json = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var buf = java.nio.ByteBuffer.allocate(8 + json.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json);
        return buf.array();
    }
}
