package dev.comfy4j.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ArrayList;

/**
 * An HTTP/1.1 request written byte for byte, for what java.net.http will not send: a forged {@code Host}
 * header (DNS rebinding), or a WebSocket upgrade whose answer is read as plain HTTP.
 */
public final class RawHttp {
    private RawHttp() {}

    /** The parsed answer: status, headers (names lower-cased, every value kept) and body text. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }
    }

    /**
     * Sends {@code method path} to 127.0.0.1:{@code port} with the given headers (name, value, ...),
     * then {@code Connection: close} and the body, and reads the whole answer.
     */
    public static Answer send(int port, String method, String path, String body, String... headers) {
        return exchange(port, method, path, body, false, headers);
    }

    /** Like {@link #send} without a body, reading only the status line and headers (a 101 stays open). */
    public static Answer sendUntilHeaders(int port, String method, String path, String... headers) {
        return exchange(port, method, path, null, true, headers);
    }

    private static Answer exchange(int port, String method, String path, String body, boolean headOnly, String... headers) {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        boolean hasHost = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            hasHost |= headers[i].equalsIgnoreCase("Host");
        }
        if (!hasHost) request.append("Host: 127.0.0.1:").append(port).append("\r\n");
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) request.append("Content-Length: ").append(content.length).append("\r\n");
        if (!headOnly) request.append("Connection: close\r\n");
        request.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return parse(headOnly ? readHead(socket.getInputStream())
                    : new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) head.append((char) b);
        return head.toString();
    }

    private static Answer parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        String head = end < 0 ? raw : raw.substring(0, end);
        String body = end < 0 ? "" : raw.substring(end + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) continue;
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        return new Answer(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }
}
