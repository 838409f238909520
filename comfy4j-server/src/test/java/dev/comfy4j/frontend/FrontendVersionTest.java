package dev.comfy4j.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.support.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --front-end-version} against a fake release server on 127.0.0.1, seen through a real comfy4j server. */
class FrontendVersionTest {
    private static final String EDITOR = "Comfy-Org/ComfyUI_frontend";

    @TempDir
    Path base;
    FakeReleaseServer releases;

    @BeforeEach
    void startReleases() throws IOException {
        releases = new FakeReleaseServer()
                .release("v1.27.10", FakeReleaseServer.zip(
                        "index.html", "<html>editor 1.27.10</html>",
                        "assets/app.js", "console.log('editor')"), false)
                .release("v1.28.0", FakeReleaseServer.zip("index.html", "<html>editor 1.28.0</html>"), true);
    }

    @AfterEach
    void stopReleases() {
        releases.close();
    }

    private ServerConfig config(String version, String api) {
        return TestServer.config(base).toBuilder().frontEndVersion(version).frontEndReleaseApi(api).build();
    }

    private Path cache(String version) {
        return base.resolve("web_custom_versions/Comfy-Org_ComfyUI_frontend").resolve(version);
    }

    @Test
    void downloadsUnpacksAndServesANamedRelease() throws IOException {
        try (TestServer server = TestServer.start(config(EDITOR + "@v1.27.10", releases.base()))) {
            HttpResponse<String> index = server.get("/");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).isEqualTo("<html>editor 1.27.10</html>");
            assertThat(server.get("/assets/app.js").body()).isEqualTo("console.log('editor')");
        }
        assertThat(cache("1.27.10").resolve("index.html")).hasContent("<html>editor 1.27.10</html>");
        // the release was looked up by tag, the asset fetched through its API URL and the redirect
        assertThat(releases.requests()).containsExactly(
                "/repos/Comfy-Org/ComfyUI_frontend/releases/tags/v1.27.10",
                "/repos/Comfy-Org/ComfyUI_frontend/releases/assets/v1.27.10",
                "/download/v1.27.10/dist.zip");
        try (Stream<Path> left = Files.list(cache("1.27.10").getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("1.27.10"); // no temporary files left
        }
    }

    @Test
    void aCachedVersionIsServedWithoutAnyRequest() throws IOException {
        try (TestServer first = TestServer.start(config(EDITOR + "@v1.27.10", releases.base()))) {
            assertThat(first.get("/").body()).contains("1.27.10");
        }
        int before = releases.requests().size();
        // the version without its v names the same cached folder
        for (String version : new String[] {"@v1.27.10", "@1.27.10"}) {
            try (TestServer second = TestServer.start(config(EDITOR + version, releases.base()))) {
                assertThat(second.get("/").body()).isEqualTo("<html>editor 1.27.10</html>");
            }
        }
        assertThat(releases.requests()).hasSize(before);
    }

    @Test
    void latestAsksForTheLatestReleaseAndCachesItUnderItsVersion() throws IOException {
        try (TestServer server = TestServer.start(config(EDITOR + "@latest", releases.base()))) {
            assertThat(server.get("/").body()).isEqualTo("<html>editor 1.28.0</html>");
        }
        assertThat(releases.requests().getFirst()).isEqualTo("/repos/Comfy-Org/ComfyUI_frontend/releases/latest");
        assertThat(cache("1.28.0").resolve("index.html")).exists();
        // a second start asks which release is the latest, but downloads nothing
        int downloads = (int) releases.requests().stream().filter(p -> p.startsWith("/download/")).count();
        try (TestServer again = TestServer.start(config(EDITOR + "@latest", releases.base()))) {
            assertThat(again.get("/").body()).isEqualTo("<html>editor 1.28.0</html>");
        }
        assertThat(releases.requests().stream().filter(p -> p.startsWith("/download/"))).hasSize(downloads);
    }

    @Test
    void offlineFallsBackToTheNewestCachedVersion() throws IOException {
        Files.createDirectories(cache("1.9.0"));
        Files.writeString(cache("1.9.0").resolve("index.html"), "old");
        Files.createDirectories(cache("1.27.10"));
        Files.writeString(cache("1.27.10").resolve("index.html"), "cached 1.27.10");
        Files.createDirectories(cache("1.30.0")); // no index.html: not a usable version
        try (TestServer server = TestServer.start(config(EDITOR + "@latest", closedPortUrl()))) {
            assertThat(server.get("/").body()).isEqualTo("cached 1.27.10");
        }
    }

    @Test
    void offlineWithoutCacheStartsWithTheBuiltInPageThatSaysWhy() throws IOException {
        String api = closedPortUrl();
        try (TestServer server = TestServer.start(config(EDITOR + "@v1.27.10", api))) {
            HttpResponse<String> page = server.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<h1>comfy4j").contains("The requested editor is not available")
                    .contains("cannot reach " + api);
            assertThat(server.get("/api/system_stats").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anUnknownVersionStartsTheServerWithTheReason() throws IOException {
        try (TestServer server = TestServer.start(config(EDITOR + "@v9.9.9", releases.base()))) {
            assertThat(server.get("/").body()).contains("version v9.9.9 not found in the releases of Comfy-Org/ComfyUI_frontend");
        }
        // both spellings of the tag were tried
        assertThat(releases.requests()).containsExactly(
                "/repos/Comfy-Org/ComfyUI_frontend/releases/tags/v9.9.9",
                "/repos/Comfy-Org/ComfyUI_frontend/releases/tags/9.9.9");
        assertThat(base.resolve("web_custom_versions/Comfy-Org_ComfyUI_frontend/9.9.9")).doesNotExist();
    }

    @Test
    void aMalformedVersionStringStartsTheServerWithTheReason() {
        try (TestServer server = TestServer.start(config("ComfyUI_frontend@1.27", releases.base()))) {
            assertThat(server.get("/").body()).contains("invalid --front-end-version");
        }
        assertThat(releases.requests()).isEmpty();
    }

    @Test
    void anArchiveWithAnEntryOutsideItsFolderIsRefusedWhole() throws IOException {
        releases.release("v1.27.11", FakeReleaseServer.zip(
                "index.html", "<html>evil</html>",
                "../../escaped.txt", "written outside"), false);
        try (TestServer server = TestServer.start(config(EDITOR + "@v1.27.11", releases.base()))) {
            assertThat(server.get("/").body()).contains("unsafe entry in the archive: ../../escaped.txt");
        }
        try (Stream<Path> all = Files.walk(base)) {
            assertThat(all.filter(p -> p.getFileName().toString().equals("escaped.txt"))).isEmpty();
        }
        assertThat(base.resolve("web_custom_versions/escaped.txt")).doesNotExist();
        assertThat(cache("1.27.11")).doesNotExist();
    }

    @Test
    void anArchiveWithoutIndexHtmlIsRefusedAndOneInASingleFolderIsAccepted() throws IOException {
        releases.release("v2.0.0", FakeReleaseServer.zip("readme.txt", "no editor here"), false)
                .release("v2.0.1", FakeReleaseServer.zip("dist/index.html", "nested editor", "dist/a.js", "1"), false);
        try (TestServer server = TestServer.start(config(EDITOR + "@v2.0.0", releases.base()))) {
            assertThat(server.get("/").body()).contains("holds no index.html");
        }
        assertThat(cache("2.0.0")).doesNotExist();
        try (TestServer server = TestServer.start(config(EDITOR + "@v2.0.1", releases.base()))) {
            assertThat(server.get("/").body()).isEqualTo("nested editor");
            assertThat(server.get("/a.js").body()).isEqualTo("1");
        }
    }

    @Test
    void aLargeBundleArrivesWholeAndAStalledDownloadIsAbandoned() throws IOException {
        byte[] big = new byte[3 * 1024 * 1024];
        new java.util.Random(5).nextBytes(big);
        releases.release("v3.0.0", zipWithBinary(big), false).release("v3.0.1", zipWithBinary(big), false).stall("v3.0.1");
        FrontendInstaller installer = new FrontendInstaller(base.resolve("web_custom_versions"),
                java.net.URI.create(releases.base()), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1));

        FrontendInstaller.Outcome whole = installer.install(EDITOR + "@v3.0.0");
        assertThat(whole.problem()).isNull();
        assertThat(Files.readAllBytes(whole.webRoot().resolve("assets/big.bin"))).isEqualTo(big);

        long started = System.nanoTime();
        FrontendInstaller.Outcome stalled = installer.install(EDITOR + "@v3.0.1");
        assertThat(stalled.problem()).contains("stalled");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(3));
        // falls back to the newest cached version that is whole
        assertThat(stalled.webRoot()).isEqualTo(cache("3.0.0"));
        assertThat(cache("3.0.1")).doesNotExist();
    }

    private static byte[] zipWithBinary(byte[] data) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("index.html"));
            zip.write("<html></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.putNextEntry(new java.util.zip.ZipEntry("assets/big.bin"));
            zip.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void comfyUisDefaultValueMeansNoDownload() {
        try (TestServer server = TestServer.start(config("comfyanonymous/ComfyUI@latest", releases.base()))) {
            assertThat(server.get("/").body()).contains("<h1>comfy4j").doesNotContain("not available");
        }
        assertThat(releases.requests()).isEmpty();
    }

    @Test
    void frontEndRootWinsOverFrontEndVersion() throws IOException {
        Path web = Files.createDirectories(base.resolve("web"));
        Files.writeString(web.resolve("index.html"), "mine");
        ServerConfig config = config(EDITOR + "@v1.27.10", releases.base()).withFrontEndRoot(web);
        try (TestServer server = TestServer.start(config)) {
            assertThat(server.get("/").body()).isEqualTo("mine");
        }
        assertThat(releases.requests()).isEmpty();
    }

    /** A loopback URL nothing listens on: the port was free a moment ago. */
    private static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
