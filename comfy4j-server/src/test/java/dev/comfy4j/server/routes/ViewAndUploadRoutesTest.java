package dev.comfy4j.server.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.imaging.DecodedImage;
import dev.comfy4j.imaging.PngText;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewAndUploadRoutesTest {
    @TempDir
    Path base;
    ServerHarness server;

    @BeforeEach
    void start() {
        server = new ServerHarness(ServerConfig.defaults(base).withMaxUploadBytes(1000));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] red2x2() {
        return ServerHarness.png(2, 2, new int[] {0xffc80a0a, 0xffc80a0a, 0xffc80a0a, 0xffc80a0a}, false, Map.of());
    }

    private static byte[] green2x2() {
        return ServerHarness.png(2, 2, new int[] {0xff0ac80a, 0xff0ac80a, 0xff0ac80a, 0xff0ac80a}, false, Map.of());
    }

    @Test
    void uploadRenamesOnCollisionDetectsDuplicatesAndOverwrites() throws Exception {
        assertThat(ServerHarness.text(server.upload("/upload/image", "cat.png", red2x2(), "overwrite", "true")))
                .isEqualTo("{\"name\":\"cat.png\",\"subfolder\":\"\",\"type\":\"input\"}");
        assertThat(ServerHarness.text(server.upload("/api/upload/image", "cat.png", green2x2())))
                .contains("\"name\":\"cat (1).png\"");
        // Same bytes as the existing file: a duplicate keeps the name and writes nothing.
        assertThat(ServerHarness.text(server.upload("/upload/image", "cat.png", red2x2()))).contains("\"name\":\"cat.png\"");
        assertThat(ServerHarness.text(server.upload("/upload/image", "cat.png", green2x2()))).contains("\"name\":\"cat (1).png\"");
        assertThat(ServerHarness.text(server.upload("/upload/image", "cat.png", green2x2(), "overwrite", "1")))
                .contains("\"name\":\"cat.png\"");
        assertThat(Files.readAllBytes(base.resolve("input/cat.png"))).isEqualTo(green2x2());
        assertThat(Files.exists(base.resolve("input/cat (2).png"))).isFalse();
    }

    @Test
    void uploadSubfolderTypesAndErrors() throws Exception {
        HttpResponse<byte[]> r = server.upload("/upload/image", "a.png", red2x2(), "subfolder", "x/./y", "type", "output");
        assertThat(ServerHarness.text(r)).isEqualTo("{\"name\":\"a.png\",\"subfolder\":\"x/./y\",\"type\":\"output\"}");
        assertThat(Files.exists(base.resolve("output/x/y/a.png"))).isTrue();
        assertThat(server.upload("/upload/image", "a.png", red2x2(), "type", "bogus").statusCode()).isEqualTo(400);
        assertThat(server.upload("/upload/image", "../evil.png", red2x2()).statusCode()).isEqualTo(400);
        assertThat(server.upload("/upload/image", "evil.png", red2x2(), "subfolder", "../evil").statusCode()).isEqualTo(400);
        assertThat(server.upload("/upload/image", "evil.png", red2x2(), "subfolder", "/etc").statusCode()).isEqualTo(400);
        assertThat(server.send("POST", "/upload/image", "x".getBytes(), "application/json").statusCode()).isEqualTo(400);
        assertThat(Files.exists(base.resolve("evil.png"))).isFalse();
    }

    @Test
    void uploadLimitCountsTheFileBytes() throws Exception {
        assertThat(server.upload("/upload/image", "limit.bin", new byte[1000]).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> tooBig = server.upload("/upload/image", "big.bin", new byte[1001]);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(ServerHarness.text(tooBig)).isEqualTo("Maximum request body size 1000 exceeded, actual body size 1001");
    }

    @Test
    void viewServesFilesAnnotatedNamesAndChannels() throws Exception {
        int[] px = {0x80ff0000, 0x0000ff00, 0xff0000ff, 0x40102030};
        server.upload("/upload/image", "v.png", ServerHarness.png(2, 2, px, true, Map.of()));
        HttpResponse<byte[]> raw = server.get("/view?filename=v.png%20%5Binput%5D&type=output");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(raw.headers().firstValue("Content-Disposition")).hasValue("filename=\"v.png\"");
        assertThat(raw.headers().firstValue("ETag")).isPresent();
        // Only the last component of the name counts.
        assertThat(server.get("/view?filename=sub%2Fv.png&type=input").statusCode()).isEqualTo(200);

        DecodedImage rgb = DecodedImage.decode(server.get("/view?filename=v.png&type=input&channel=rgb").body()).orElseThrow();
        assertThat(rgb.rgbaMode()).isFalse();
        assertThat(rgb.argb()[0]).isEqualTo(0xffff0000);
        DecodedImage alpha = DecodedImage.decode(server.get("/view?filename=v.png&type=input&channel=a").body()).orElseThrow();
        assertThat(alpha.argb()).containsExactly(0x80000000, 0x00000000, 0xff000000, 0x40000000);

        HttpResponse<byte[]> webp = server.get("/view?filename=v.png&type=input&preview=webp;50");
        assertThat(webp.headers().firstValue("Content-Type")).hasValue("image/webp");
        assertThat(new String(webp.body(), 0, 4)).isEqualTo("RIFF");
        HttpResponse<byte[]> jpeg = server.get("/view?filename=v.png&type=input&preview=jpeg;80");
        assertThat(jpeg.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        // An alpha channel request forces WebP.
        assertThat(server.get("/view?filename=v.png&type=input&preview=jpeg&channel=rgba").headers()
                .firstValue("Content-Type")).hasValue("image/webp");
    }

    @Test
    void viewRefusesTraversalAndBadInput() throws Exception {
        Files.writeString(base.resolve("secret.txt"), "secret");
        Files.writeString(base.resolve("input/page.html"), "<script>");
        assertThat(server.get("/view").statusCode()).isEqualTo(404);
        assertThat(server.get("/view?filename=..%2Fsecret.txt&type=input").statusCode()).isEqualTo(400);
        assertThat(server.get("/view?filename=%2Fetc%2Fpasswd").statusCode()).isEqualTo(400);
        assertThat(server.get("/view?filename=%20%5Binput%5D").statusCode()).isEqualTo(400);
        assertThat(server.get("/view?filename=x.png&type=bogus").statusCode()).isEqualTo(400);
        assertThat(server.get("/view?filename=secret.txt&type=input&subfolder=..").statusCode()).isEqualTo(403);
        assertThat(server.get("/view?filename=passwd&type=input&subfolder=%2Fetc").statusCode()).isEqualTo(403);
        assertThat(server.get("/view?filename=nothing.png&type=input").statusCode()).isEqualTo(404);
        assertThat(server.get("/view?filename=page.html&type=input").headers().firstValue("Content-Type"))
                .hasValue("application/octet-stream");

        // Symlinks that leave the root are never followed.
        Files.createSymbolicLink(base.resolve("input/escape"), base);
        Files.createSymbolicLink(base.resolve("input/link.txt"), base.resolve("secret.txt"));
        assertThat(server.get("/view?filename=secret.txt&type=input&subfolder=escape").statusCode()).isEqualTo(403);
        assertThat(server.get("/view?filename=link.txt&type=input").statusCode()).isEqualTo(403);
        assertThat(server.upload("/upload/image", "planted.png", red2x2(), "subfolder", "escape").statusCode()).isEqualTo(400);
        assertThat(Files.exists(base.resolve("planted.png"))).isFalse();
    }

    @Test
    void maskReplacesTheOriginalsAlphaAndKeepsItsTextChunks() throws Exception {
        int[] original = {0xff102030, 0xff405060, 0xff708090, 0xffa0b0c0};
        server.upload("/upload/image", "orig.png", ServerHarness.png(2, 2, original, false, Map.of("workflow", "{\"a\": 1}")));
        int[] mask = {0x00000000, 0xff000000, 0x80000000, 0x00ffffff};
        HttpResponse<byte[]> r = server.upload("/upload/mask", "mask.png", ServerHarness.png(2, 2, mask, true, Map.of()),
                "type", "input", "subfolder", "clipspace",
                "original_ref", "{\"filename\": \"orig.png\", \"subfolder\": \"\", \"type\": \"input\"}");
        assertThat(ServerHarness.text(r)).isEqualTo("{\"name\":\"mask.png\",\"subfolder\":\"clipspace\",\"type\":\"input\"}");
        byte[] saved = Files.readAllBytes(base.resolve("input/clipspace/mask.png"));
        assertThat(DecodedImage.decode(saved).orElseThrow().argb())
                .containsExactly(0x00102030, 0xff405060, 0x80708090, 0x00a0b0c0);
        assertThat(PngText.read(saved)).containsEntry("workflow", "{\"a\": 1}");

        // A missing original: 200, nothing written (the reference's silent no-op).
        r = server.upload("/upload/mask", "m2.png", ServerHarness.png(2, 2, mask, true, Map.of()),
                "original_ref", "{\"filename\": \"missing.png\", \"type\": \"input\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Files.exists(base.resolve("input/m2.png"))).isFalse();
        // No original_ref, or a size mismatch: a 400 where the reference fails with 500.
        assertThat(server.upload("/upload/mask", "m3.png", red2x2()).statusCode()).isEqualTo(400);
        r = server.upload("/upload/mask", "m4.png", ServerHarness.png(1, 1, new int[] {0}, true, Map.of()),
                "original_ref", "{\"filename\": \"orig.png\", \"type\": \"input\"}");
        assertThat(r.statusCode()).isEqualTo(400);
    }
}
