package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.support.RawHttp;
import dev.comfy4j.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin rules of a server bound to loopback, over real HTTP: ComfyUI's check plus the two gaps it
 * leaves ({@code Origin: null}; DNS rebinding, where Host and Origin are one foreign name).
 */
class OriginRulesTest {
    private static final String PROMPT = "{\"prompt\": {}}";

    @TempDir
    Path base;
    TestServer server;
    int port;

    @BeforeEach
    void start() {
        server = TestServer.start(TestServer.config(base));
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawHttp.Answer get(String path, String... headers) {
        return RawHttp.send(port, "GET", path, null, headers);
    }

    private RawHttp.Answer postPrompt(String... headers) {
        return RawHttp.send(port, "POST", "/prompt", PROMPT, withJson(headers));
    }

    private static String[] withJson(String... headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Content-Type";
        all[headers.length + 1] = "application/json";
        return all;
    }

    @Test
    void aNullOriginIsRefused() {
        RawHttp.Answer get = get("/prompt", "Origin", "null");
        assertThat(get.status()).isEqualTo(403);
        assertThat(get.body()).isEmpty();
        assertThat(postPrompt("Origin", "null").status()).isEqualTo(403);
        assertThat(RawHttp.send(port, "OPTIONS", "/prompt", null, "Origin", "null").status()).isEqualTo(403);
    }

    @Test
    void aRebindingPageWithHostAndOriginOfOneForeignNameIsRefused() {
        String host = "rebind.example:" + port;
        RawHttp.Answer post = postPrompt("Host", host, "Origin", "http://" + host);
        assertThat(post.status()).isEqualTo(403);
        assertThat(post.body()).isEmpty();
        assertThat(get("/history", "Host", host, "Origin", "http://" + host).status()).isEqualTo(403);
        // A name that public DNS points at 127.0.0.1 is no better: the name itself is judged, not its address.
        assertThat(get("/prompt", "Host", "localtest.me:" + port, "Origin", "http://localtest.me:" + port).status())
                .isEqualTo(403);
    }

    @Test
    void webSocketUpgradesFollowTheSameRules() {
        String[] upgrade = {"Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Version", "13",
                "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="};
        assertThat(upgradeWith(upgrade, "Origin", "null").status()).isEqualTo(403);
        String host = "rebind.example:" + port;
        assertThat(upgradeWith(upgrade, "Host", host, "Origin", "http://" + host).status()).isEqualTo(403);
        assertThat(upgradeWith(upgrade, "Origin", "http://127.0.0.1:" + port).status()).isEqualTo(101);
    }

    private RawHttp.Answer upgradeWith(String[] upgrade, String... more) {
        String[] headers = java.util.Arrays.copyOf(upgrade, upgrade.length + more.length);
        System.arraycopy(more, 0, headers, upgrade.length, more.length);
        // A 101 answer leaves the socket open: only the status line and headers are read.
        return RawHttp.sendUntilHeaders(port, "GET", "/ws", headers);
    }

    @Test
    void loopbackNamesAndClientsWithoutAnOriginStillPass() {
        for (String name : List.of("127.0.0.1", "localhost", "app.localhost")) {
            String host = name + ":" + port;
            assertThat(get("/prompt", "Host", host, "Origin", "http://" + host).status()).as(name).isEqualTo(200);
            assertThat(postPrompt("Host", host, "Origin", "http://" + host).status()).as(name).isEqualTo(400);
        }
        // curl, scripts and the same-origin GETs of a browser send no Origin: nothing to judge.
        assertThat(get("/prompt").status()).isEqualTo(200);
        assertThat(get("/prompt", "Host", "rebind.example:" + port).status()).isEqualTo(200);
        // ComfyUI's own rule still holds: another loopback name in the Origin is refused.
        assertThat(get("/prompt", "Origin", "http://localhost:" + port).status()).isEqualTo(403);
    }

    @Test
    void aServerListeningBeyondLoopbackKeepsComfyUisRule() {
        OriginCheck open = OriginCheck.forListenAddresses(List.of("127.0.0.1", "0.0.0.0"));
        assertThat(open.blocks("127.0.0.1:8188", "null")).isFalse();
        assertThat(open.blocks("rebind.example:8188", "http://rebind.example:8188")).isFalse();
        assertThat(open.blocks("127.0.0.1:8188", "https://evil.example")).isTrue();
        OriginCheck loopback = OriginCheck.forListenAddresses(List.of("127.0.0.1", "::1", "localhost"));
        assertThat(loopback.blocks("127.0.0.1:8188", "null")).isTrue();
        assertThat(loopback.blocks("[::1]:8188", "http://[::1]:8188")).isFalse();
        assertThat(loopback.blocks("rebind.example:8188", "http://rebind.example:8188")).isTrue();
    }
}
