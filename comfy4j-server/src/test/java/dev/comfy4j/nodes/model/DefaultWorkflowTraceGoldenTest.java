package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.PixelDifference;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's default text-to-image workflow at 64x64, seed 42, 4 euler/normal steps, as recorded from
 * ComfyUI 0.3.64 in {@code ../shared/golden/comfyui}: the prompt of {@code history_entry_t2i_64x64.json}
 * posted over HTTP with a WebSocket client connected. Three things must match the recording:
 *
 * <ul>
 *   <li>the PNG that SaveImage wrote, fetched through {@code GET /view}, equals
 *       {@code t2i_64x64_seed42.png} within 1 level per pixel value;</li>
 *   <li>the WebSocket messages are {@code ws_trace_t2i_64x64.json}'s, in the same order, with the same
 *       types and the same values in every field that does not depend on time or ids (timestamps and
 *       prompt ids are left out, the output file's counter is compared without its number);</li>
 *   <li>the history entry has the recorded shape: the same keys, the posted prompt, the outputs,
 *       the status messages and the meta record.</li>
 * </ul>
 */
class DefaultWorkflowTraceGoldenTest {
    private static final String CLIENT_ID = "234bc8aa-72a2-4950-9469-ee5c9ec66f8f";

    @TempDir static Path base;
    private static TestServer server;
    private static JsonNode goldenEntry;
    private static String promptId;
    private static List<WsClient.Message> trace;
    private static JsonNode history;

    @BeforeAll
    static void runTheWorkflow() throws Exception {
        SharedFiles.require("golden/comfyui/t2i_64x64_seed42.png");
        JsonNode recorded = SharedFiles.json("golden/comfyui/history_entry_t2i_64x64.json");
        goldenEntry = recorded.elements().next();
        ModelFolder.layOut(base);
        server = TestServer.start(TestServer.config(base));
        try (WsClient ws = server.websocket(CLIENT_ID)) {
            WsClient.Message hello = ws.next();
            assertThat(hello.type()).isEqualTo("status");
            ObjectNode body = Json.object();
            body.set("prompt", goldenEntry.get("prompt").get(2));
            body.put("client_id", CLIENT_ID);
            var response = server.post("/prompt", Json.write(body));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            promptId = TestServer.json(response).get("prompt_id").asText();
            trace = untilDone(ws, 900_000);
        }
        history = server.waitForHistory(promptId);
    }

    /** Messages until {@code executing} with a null node (the prompt's end), waiting as long as the models need. */
    private static List<WsClient.Message> untilDone(WsClient ws, long timeoutMillis) {
        List<WsClient.Message> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            List<WsClient.Message> batch = ws.drain(500);
            for (WsClient.Message m : batch) {
                out.add(m);
                if (m.type().equals("executing") && m.json().get("data").get("node").isNull()) return out;
            }
        }
        throw new AssertionError("the prompt did not end within " + timeoutMillis + " ms; got " + out.size() + " messages");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theSavedImageEqualsComfyUIsWithinOneLevel() throws Exception {
        assertThat(history.get("status").get("status_str").asText()).as(history.toString()).isEqualTo("success");
        JsonNode image = history.get("outputs").get("9").get("images").get(0);
        String query = "filename=" + URLEncoder.encode(image.get("filename").asText(), StandardCharsets.UTF_8)
                + "&subfolder=" + URLEncoder.encode(image.get("subfolder").asText(), StandardCharsets.UTF_8)
                + "&type=" + image.get("type").asText();
        HttpResponse<byte[]> png = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.url("/view?" + query))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.statusCode()).isEqualTo(200);
        BufferedImage ours = ImageIO.read(new ByteArrayInputStream(png.body()));
        BufferedImage theirs = ImageIO.read(Files.newInputStream(SharedFiles.require("golden/comfyui/t2i_64x64_seed42.png")));
        assertThat(PixelDifference.largest(ours, theirs)).as("largest per-channel difference").isLessThanOrEqualTo(1);
    }

    @Test
    void theWebSocketTraceHasTheRecordedMessagesInOrder() throws Exception {
        JsonNode golden = SharedFiles.json("golden/comfyui/ws_trace_t2i_64x64.json");
        List<String> want = new ArrayList<>();
        for (JsonNode m : golden) want.add(m.get("type").asText() + " " + Json.write(comparable(m.get("type").asText(), m.get("data"))));
        List<String> got = new ArrayList<>();
        for (WsClient.Message m : trace) {
            got.add(m.json() == null ? "binary" : m.type() + " " + Json.write(comparable(m.type(), m.json().get("data"))));
        }
        assertThat(got).containsExactlyElementsOf(want);
    }

    /** The message's data without what depends on time or ids: timestamps, prompt ids, the file counter. */
    private static JsonNode comparable(String type, JsonNode data) {
        JsonNode copy = data.deepCopy();
        strip(copy);
        if (type.equals("executed")) {
            for (JsonNode image : copy.path("output").path("images")) {
                String name = image.get("filename").asText();
                ((ObjectNode) image).put("filename", name.replaceAll("_\\d{5}_\\.png$", "_NNNNN_.png"));
            }
        }
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove(List.of("prompt_id", "timestamp"));
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) strip(it.next().getValue());
        } else if (node instanceof ArrayNode a) {
            for (JsonNode e : a) strip(e);
        }
    }

    @Test
    void theHistoryEntryHasTheRecordedShape() {
        assertThat(fieldNames(history)).containsExactlyElementsOf(fieldNames(goldenEntry));
        JsonNode prompt = history.get("prompt");
        JsonNode recordedPrompt = goldenEntry.get("prompt");
        assertThat(prompt.size()).isEqualTo(recordedPrompt.size());
        assertThat(prompt.get(0).isIntegralNumber()).isTrue();
        assertThat(prompt.get(1).asText()).isEqualTo(promptId);
        assertThat(prompt.get(2)).isEqualTo(recordedPrompt.get(2));
        assertThat(prompt.get(3)).isEqualTo(recordedPrompt.get(3));
        assertThat(prompt.get(4)).isEqualTo(recordedPrompt.get(4));
        JsonNode image = history.get("outputs").get("9").get("images").get(0);
        JsonNode recordedImage = goldenEntry.get("outputs").get("9").get("images").get(0);
        assertThat(fieldNames(history.get("outputs"))).containsExactly("9");
        assertThat(fieldNames(image)).containsExactlyElementsOf(fieldNames(recordedImage));
        assertThat(image.get("filename").asText()).matches("peer_t2i_64_\\d{5}_\\.png");
        assertThat(image.get("subfolder")).isEqualTo(recordedImage.get("subfolder"));
        assertThat(image.get("type")).isEqualTo(recordedImage.get("type"));
        JsonNode status = history.get("status");
        JsonNode recordedStatus = goldenEntry.get("status");
        assertThat(fieldNames(status)).containsExactlyElementsOf(fieldNames(recordedStatus));
        assertThat(status.get("status_str")).isEqualTo(recordedStatus.get("status_str"));
        assertThat(status.get("completed")).isEqualTo(recordedStatus.get("completed"));
        assertThat(status.get("messages").size()).isEqualTo(recordedStatus.get("messages").size());
        for (int i = 0; i < status.get("messages").size(); i++) {
            JsonNode ours = status.get("messages").get(i);
            JsonNode theirs = recordedStatus.get("messages").get(i);
            assertThat(ours.get(0)).isEqualTo(theirs.get(0));
            assertThat(fieldNames(ours.get(1))).containsExactlyElementsOf(fieldNames(theirs.get(1)));
            assertThat(ours.get(1).get("prompt_id").asText()).isEqualTo(promptId);
            assertThat(ours.get(1).get("timestamp").isIntegralNumber()).isTrue();
            assertThat(comparable("", ours.get(1))).isEqualTo(comparable("", theirs.get(1)));
        }
        assertThat(history.get("meta")).isEqualTo(goldenEntry.get("meta"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
