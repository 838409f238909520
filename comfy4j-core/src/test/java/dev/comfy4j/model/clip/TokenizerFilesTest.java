package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the tokenizer files in a folder, downloading them once, and the error when offline. */
class TokenizerFilesTest {
    @TempDir
    Path models;

    @Test
    void missingFilesAreDownloadedOnceIntoTheFolder() throws Exception {
        Path source = ClipTestFiles.requireTokenizerDir();
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer server = serve(source, requests);
        try {
            Path folder = models.resolve("text_encoders");
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/openai/clip");
            TokenizerFiles files = new TokenizerFiles(folder, base);
            assertThat(files.present()).isFalse();

            ClipTokenizer tokenizer = files.load();

            assertThat(requests).containsExactly("/openai/clip/vocab.json", "/openai/clip/merges.txt");
            assertThat(Files.mismatch(folder.resolve("vocab.json"), source.resolve("vocab.json"))).isEqualTo(-1L);
            assertThat(Files.mismatch(folder.resolve("merges.txt"), source.resolve("merges.txt"))).isEqualTo(-1L);
            try (var listing = Files.list(folder)) {
                assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("vocab.json", "merges.txt");
            }
            assertThat(tokenizer.encode("a photo of a cat")).containsExactly(320, 1125, 539, 320, 2368);

            new TokenizerFiles(folder, base).load();
            assertThat(requests).as("present files are not downloaded again").hasSize(2);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void filesAlreadyInTheFolderAreUsedWithoutAnyNetwork() throws Exception {
        Path source = ClipTestFiles.requireTokenizerDir();
        Files.copy(source.resolve("vocab.json"), models.resolve("vocab.json"));
        Files.copy(source.resolve("merges.txt"), models.resolve("merges.txt"));
        TokenizerFiles files = new TokenizerFiles(models, URI.create("http://127.0.0.1:" + closedPort() + "/"));
        assertThat(files.present()).isTrue();
        assertThat(files.load().encode("cat")).containsExactly(2368);
    }

    @Test
    void offlineGivesAnErrorNamingTheUrlAndTheFolder() throws Exception {
        Path folder = models.resolve("text_encoders");
        URI base = URI.create("http://127.0.0.1:" + closedPort() + "/clip/");
        TokenizerFiles files = new TokenizerFiles(folder, base);
        assertThatThrownBy(files::load)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(base + "vocab.json")
                .hasMessageContaining(folder.toAbsolutePath().toString())
                .hasMessageContaining("merges.txt");
        try (var listing = Files.list(folder)) {
            assertThat(listing).as("no partial file is left behind").isEmpty();
        }
    }

    @Test
    void anHttpErrorIsReportedWithItsStatus() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer server = serve(models.resolve("nothing-here"), requests);
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            TokenizerFiles files = new TokenizerFiles(models.resolve("te"), base);
            assertThatThrownBy(files::ensure).hasMessageContaining("HTTP 404").hasMessageContaining(base + "vocab.json");
            assertThat(files.present()).isFalse();
        } finally {
            server.stop(0);
        }
    }

    /** A loopback server answering GET /any/path/NAME with the file NAME of {@code dir}, or 404. */
    private static HttpServer serve(Path dir, List<String> requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            Path file = dir.resolve(path.substring(path.lastIndexOf('/') + 1));
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
