package dev.comfy4j.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.workflow.RunListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client's {@code /ws?clientId=...} connection: routes each message with a {@code prompt_id} to the
 * run that follows that prompt, and binary preview frames to the run that is executing. Messages for
 * a prompt nobody follows yet (they can arrive before {@code POST /prompt} answers) are kept, a bounded
 * number, and replayed when it is followed.
 */
final class EventSocket implements WebSocket.Listener {
    private static final int MAX_EARLY_EVENTS = 10_000;
    private static final int PREVIEW_FRAME = 1;

    private record Route(PendingRun run, RunListener listener) {}

    private record Early(String promptId, String type, JsonNode data) {}

    private final Map<String, Route> routes = new HashMap<>();
    private final Deque<Early> early = new ArrayDeque<>();
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);
    private String executingPrompt;
    private WebSocket socket;

    static EventSocket open(HttpClient http, URI base, String clientId) throws IOException, InterruptedException {
        EventSocket events = new EventSocket();
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "/ws?clientId=" + clientId);
        try {
            events.socket = http.newWebSocketBuilder().buildAsync(ws, events).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot open the WebSocket " + ws + ": " + e.getMessage(), e);
        }
        return events;
    }

    /** Routes {@code promptId}'s messages to {@code run} from now on, after those that came before. */
    void follow(String promptId, PendingRun run, RunListener listener) {
        List<Early> replay = new ArrayList<>();
        synchronized (this) {
            routes.put(promptId, new Route(run, listener));
            early.removeIf(e -> e.promptId().equals(promptId) && replay.add(e));
        }
        for (Early e : replay) deliver(promptId, e.type(), e.data());
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String message = text.toString();
            text.setLength(0);
            onMessage(message);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
        joined.put(binary).put(data).flip();
        binary = joined;
        if (last) {
            onFrame(binary);
            binary = ByteBuffer.allocate(0);
        }
        webSocket.request(1);
        return null;
    }

    private void onMessage(String message) {
        JsonNode json;
        try {
            json = Json.parse(message);
        } catch (Exception e) {
            return; // not ComfyUI's JSON: ignore, as its own clients do
        }
        String type = json.path("type").asText();
        JsonNode data = json.path("data");
        String promptId = data.path("prompt_id").asText(null);
        if (promptId == null) return; // status and other broadcasts
        if (type.equals("executing")) executingPrompt = data.path("node").isNull() ? null : promptId;
        synchronized (this) {
            if (!routes.containsKey(promptId)) {
                if (early.size() >= MAX_EARLY_EVENTS) early.removeFirst();
                early.addLast(new Early(promptId, type, data));
                return;
            }
        }
        deliver(promptId, type, data);
    }

    /** Type 1: a preview of the executing prompt (4-byte event type, 4-byte image type, the image). */
    private void onFrame(ByteBuffer frame) {
        if (frame.remaining() < 8 || frame.getInt(0) != PREVIEW_FRAME) return;
        Route route = routeOf(executingPrompt);
        if (route == null) return;
        String imageType = frame.getInt(4) == 2 ? "image/png" : "image/jpeg";
        byte[] image = new byte[frame.remaining() - 8];
        frame.position(8);
        frame.get(image);
        route.listener().preview(imageType, image);
    }

    private void deliver(String promptId, String type, JsonNode data) {
        Route route = routeOf(promptId);
        if (route == null) return;
        RunListener.dispatch(route.listener(), type, data);
        if (route.run().onEvent(type, data)) {
            synchronized (this) {
                routes.remove(promptId);
            }
        }
    }

    private synchronized Route routeOf(String promptId) {
        return promptId == null ? null : routes.get(promptId);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        failAll("the server closed the WebSocket (" + statusCode + " " + reason + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        failAll("the WebSocket failed: " + error);
    }

    private void failAll(String why) {
        List<Route> open;
        synchronized (this) {
            open = new ArrayList<>(routes.values());
            routes.clear();
        }
        for (Route r : open) r.run().lost(why);
    }

    void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        failAll("the client was closed");
    }
}
