package dev.comfy4j.frontend;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A releases API on 127.0.0.1 that answers like the code host's: {@code /repos/{o}/{r}/releases/latest},
 * {@code .../releases/tags/{tag}}, and the asset URL, which redirects to the file (as the real one does)
 * and is only served with {@code Accept: application/octet-stream}. It records every request path.
 */
final class FakeReleaseServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> zips = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String latestTag;
    private volatile String stallingTag;

    FakeReleaseServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Publishes a release {@code tag} of Comfy-Org/ComfyUI_frontend whose dist.zip is {@code zip}. */
    FakeReleaseServer release(String tag, byte[] zip, boolean latest) {
        zips.put(tag, zip);
        if (latest) latestTag = tag;
        return this;
    }

    /** The download of {@code tag} sends its headers and half its bytes, then nothing for 4 s. */
    FakeReleaseServer stall(String tag) {
        stallingTag = tag;
        return this;
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(path);
        String releases = "/repos/Comfy-Org/ComfyUI_frontend/releases/";
        if (path.equals(releases + "latest") && latestTag != null) {
            json(ex, releaseJson(latestTag));
        } else if (path.startsWith(releases + "tags/") && zips.containsKey(path.substring((releases + "tags/").length()))) {
            json(ex, releaseJson(path.substring((releases + "tags/").length())));
        } else if (path.startsWith(releases + "assets/")) {
            String tag = path.substring((releases + "assets/").length());
            if (!"application/octet-stream".equals(ex.getRequestHeaders().getFirst("Accept")) || !zips.containsKey(tag)) {
                send(ex, 415, "application/json", "{\"message\":\"wrong Accept\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            ex.getResponseHeaders().add("Location", base() + "/download/" + tag + "/dist.zip");
            send(ex, 302, "text/plain", new byte[0]);
        } else if (path.startsWith("/download/") && path.endsWith("/dist.zip")) {
            String tag = path.substring("/download/".length(), path.length() - "/dist.zip".length());
            byte[] zip = zips.get(tag);
            if (zip == null) send(ex, 404, "text/plain", new byte[0]);
            else if (tag.equals(stallingTag)) stallHalfway(ex, zip);
            else send(ex, 200, "application/octet-stream", zip);
        } else {
            send(ex, 404, "application/json", "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void stallHalfway(HttpExchange ex, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, body.length);
        OutputStream out = ex.getResponseBody();
        out.write(body, 0, body.length / 2);
        out.flush();
        try {
            Thread.sleep(4_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ex.close();
    }

    private String releaseJson(String tag) {
        String assetUrl = base() + "/repos/Comfy-Org/ComfyUI_frontend/releases/assets/" + tag;
        return "{\"id\":1,\"tag_name\":\"" + tag + "\",\"name\":\"" + tag + "\",\"prerelease\":false,\"assets\":["
                + "{\"name\":\"dist.zip.sha256\",\"url\":\"" + base() + "/nothing\"},"
                + "{\"name\":\"dist.zip\",\"url\":\"" + assetUrl + "\",\"browser_download_url\":\"" + base() + "/download/" + tag + "/dist.zip\"}]}";
    }

    private static void json(HttpExchange ex, String body) throws IOException {
        send(ex, 200, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** A zip holding {@code entries} (name, text), in order. */
    static byte[] zip(String... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < entries.length; i += 2) {
                zip.putNextEntry(new ZipEntry(entries[i]));
                zip.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
