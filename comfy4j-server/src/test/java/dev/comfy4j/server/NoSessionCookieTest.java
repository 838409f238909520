package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.support.RawHttp;
import dev.comfy4j.support.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** comfy4j keeps no HTTP sessions: no answer, WebSocket upgrades included, sets a cookie. */
class NoSessionCookieTest {
    private static final String[] UPGRADE = {"Upgrade", "websocket", "Connection", "Upgrade",
            "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="};

    @TempDir
    Path base;

    @Test
    void noAnswerSetsACookie() {
        try (TestServer server = TestServer.start(TestServer.config(base))) {
            int port = server.port();
            RawHttp.Answer accepted = RawHttp.sendUntilHeaders(port, "GET", "/ws?clientId=a", UPGRADE);
            assertThat(accepted.status()).isEqualTo(101);
            assertThat(accepted.headers()).doesNotContainKey("set-cookie");

            String[] refusedUpgrade = java.util.Arrays.copyOf(UPGRADE, UPGRADE.length + 2);
            refusedUpgrade[UPGRADE.length] = "Origin";
            refusedUpgrade[UPGRADE.length + 1] = "https://evil.example";
            RawHttp.Answer refused = RawHttp.sendUntilHeaders(port, "GET", "/ws", refusedUpgrade);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.headers()).doesNotContainKey("set-cookie");

            for (String path : new String[] {"/", "/prompt", "/queue", "/ws", "/object_info"}) {
                RawHttp.Answer answer = RawHttp.send(port, "GET", path, null);
                assertThat(answer.headers()).as(path).doesNotContainKey("set-cookie");
            }
        }
    }
}
