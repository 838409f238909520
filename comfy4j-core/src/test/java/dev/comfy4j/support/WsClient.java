package dev.comfy4j.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket test client that queues every message it receives (text as JSON, binary as bytes). */
public final class WsClient implements AutoCloseable {
    /** One received frame: {@code json} for text frames, {@code binary} for binary ones. */
    public record Message(JsonNode json, byte[] binary) {
        public String type() {
            return json == null ? "binary" : json.path("type").asText();
        }
    }

    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    private WsClient(String uri) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(uri), new Collector()).join();
    }

    public static WsClient connect(String uri) {
        return new WsClient(uri);
    }

    public void send(JsonNode message) {
        socket.sendText(Json.write(message), true).join();
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** The next message, failing after a few seconds without one. */
    public Message next() {
        try {
            Message m = received.poll(10, TimeUnit.SECONDS);
            if (m == null) throw new AssertionError("no WebSocket message within 10 s");
            return m;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Messages up to and including the first that matches. */
    public List<Message> until(Predicate<Message> last) {
        List<Message> out = new ArrayList<>();
        while (true) {
            Message m = next();
            out.add(m);
            if (last.test(m)) return out;
        }
    }

    /** Whatever arrives within {@code millis}. */
    public List<Message> drain(long millis) {
        List<Message> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + millis;
        try {
            while (true) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) return out;
                Message m = received.poll(left, TimeUnit.MILLISECONDS);
                if (m != null) out.add(m);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            socket.abort();
        }
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    received.add(new Message(Json.parse(text.toString()), null));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            bytes.writeBytes(chunk);
            if (last) {
                received.add(new Message(null, bytes.toByteArray()));
                bytes.reset();
            }
            ws.request(1);
            return null;
        }
    }
}
