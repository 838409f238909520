package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.App;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.support.ScriptedEngine;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --listen a,b} binds every address (Javalin's own connector is skipped once one is added). */
class ListenAddressesTest {
    @TempDir Path base;

    @Test
    void everyListenAddressIsBound() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        ServerConfig config = ServerConfig.defaults(base).withDatabase(null).toBuilder()
                .listen(List.of("127.0.0.1", "127.0.0.2")).port(port).build();
        try (App app = App.start(config, c -> new ScriptedEngine())) {
            for (String host : List.of("127.0.0.1", "127.0.0.2")) {
                try (Socket socket = new Socket(host, port)) {
                    assertThat(socket.isConnected()).as(host).isTrue();
                }
            }
            assertThat(app.port()).isEqualTo(port);
        }
    }
}
