package dev.comfy4j.server.routes;

import dev.comfy4j.App;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.server.Multipart;
import dev.comfy4j.imaging.PngWriter;
import dev.comfy4j.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A {@link TestServer} with the byte-level HTTP helpers the file route tests share (raw requests, uploads). */
final class ServerHarness implements AutoCloseable {
    static final String BOUNDARY = "comfy4jTestBoundary";
    private final TestServer server;
    final App app;
    final HttpClient client = HttpClient.newHttpClient();

    ServerHarness(ServerConfig config) {
        this.server = TestServer.start(config.withDatabase(null));
        this.app = server.app();
    }

    String base() {
        return "http://127.0.0.1:" + app.port();
    }

    HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> send(String method, String pathAndQuery, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Uploads a file part named {@code image} with extra text fields (name, value, ...). */
    HttpResponse<byte[]> upload(String route, String filename, byte[] data, String... fields) throws Exception {
        List<Multipart.Part> parts = new ArrayList<>();
        parts.add(new Multipart.Part("image", filename, "image/png", data));
        for (int i = 0; i < fields.length; i += 2) {
            parts.add(new Multipart.Part(fields[i], null, null, fields[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return send("POST", route, Multipart.build(BOUNDARY, parts), "multipart/form-data; boundary=" + BOUNDARY);
    }

    /** A request written byte for byte, for paths that java.net.http would normalise ({@code /../x}). */
    String raw(String requestLine) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.port())) {
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1:" + app.port() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static byte[] png(int w, int h, int[] argb, boolean alpha, Map<String, String> text) {
        return PngWriter.encode(w, h, argb, alpha, text, 6);
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
    }
}
