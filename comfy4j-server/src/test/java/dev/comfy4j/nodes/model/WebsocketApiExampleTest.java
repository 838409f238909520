package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ComfyUI's own {@code script_examples/websockets_api_example.py} does, step by step, with the
 * JDK's HTTP and WebSocket clients against a comfy4j server on 127.0.0.1. (The script itself is
 * ComfyUI's code and is not part of this repository; it needs the {@code websocket-client} Python
 * package.) The script:
 *
 * <ol>
 *   <li>makes a {@code client_id} (uuid4) and opens {@code ws://HOST/ws?clientId=<client_id>};</li>
 *   <li>takes ComfyUI's default workflow (checkpoint {@code v1-5-pruned-emaonly.safetensors}, KSampler
 *       seed 8566257, 20 euler/normal steps, cfg 8, 512x512, SaveImage prefix {@code ComfyUI}), sets the
 *       positive text to {@code "masterpiece best quality man"} and the seed to 5;</li>
 *   <li>makes a {@code prompt_id} (uuid4) and POSTs {@code {"prompt", "client_id", "prompt_id"}} as JSON
 *       to {@code /prompt} with urllib's default content type ({@code application/x-www-form-urlencoded}),
 *       reading and ignoring the answer;</li>
 *   <li>receives frames: binary ones (previews) are skipped; text ones are JSON, and the loop ends at
 *       {@code executing} whose {@code node} is null and whose {@code prompt_id} is its own;</li>
 *   <li>GETs {@code /history/<prompt_id>}, and for every output node with {@code images} GETs
 *       {@code /view?filename=..&subfolder=..&type=..} (urlencoded in that order) and keeps the bytes.</li>
 * </ol>
 *
 * <p>Differences here, for a CPU test: the random SD1.5 checkpoint is linked into {@code models/checkpoints}
 * under the script's file name, and the image is 64x64 with 4 steps instead of 512x512 with 20.
 */
class WebsocketApiExampleTest {
    @TempDir Path base;

    /** The script's workflow, with its two edits, at test size. */
    private static ObjectNode prompt() {
        ObjectNode p = Json.object();
        ObjectNode k = p.putObject("3").put("class_type", "KSampler").putObject("inputs");
        k.put("cfg", 8).put("denoise", 1);
        k.putArray("latent_image").add("5").add(0);
        k.putArray("model").add("4").add(0);
        k.putArray("negative").add("7").add(0);
        k.putArray("positive").add("6").add(0);
        k.put("sampler_name", "euler").put("scheduler", "normal").put("seed", 8566257).put("steps", 20);
        p.putObject("4").put("class_type", "CheckpointLoaderSimple").putObject("inputs")
                .put("ckpt_name", "v1-5-pruned-emaonly.safetensors");
        p.putObject("5").put("class_type", "EmptyLatentImage").putObject("inputs")
                .put("batch_size", 1).put("height", 512).put("width", 512);
        ObjectNode pos = p.putObject("6").put("class_type", "CLIPTextEncode").putObject("inputs");
        pos.putArray("clip").add("4").add(1);
        pos.put("text", "masterpiece best quality girl");
        ObjectNode neg = p.putObject("7").put("class_type", "CLIPTextEncode").putObject("inputs");
        neg.putArray("clip").add("4").add(1);
        neg.put("text", "bad hands");
        ObjectNode dec = p.putObject("8").put("class_type", "VAEDecode").putObject("inputs");
        dec.putArray("samples").add("3").add(0);
        dec.putArray("vae").add("4").add(2);
        ObjectNode save = p.putObject("9").put("class_type", "SaveImage").putObject("inputs");
        save.put("filename_prefix", "ComfyUI");
        save.putArray("images").add("8").add(0);
        // the script's edits
        ((ObjectNode) p.get("6").get("inputs")).put("text", "masterpiece best quality man");
        ((ObjectNode) p.get("3").get("inputs")).put("seed", 5);
        // this test's: CPU time
        ((ObjectNode) p.get("5").get("inputs")).put("height", 64).put("width", 64);
        ((ObjectNode) p.get("3").get("inputs")).put("steps", 4);
        return p;
    }

    /** Frames as {@code ws.recv()} returns them: a String for text, bytes for binary. */
    private static final class Recv implements WebSocket.Listener {
        final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                frames.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                frames.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }
    }

    @Test
    void theExampleScriptsProtocolGetsTheSavedImages() throws Exception {
        Path checkpoint = TestCheckpoints.requireSd15().toAbsolutePath();
        ModelFolder.layOut(base);
        Files.createSymbolicLink(base.resolve("models/checkpoints/v1-5-pruned-emaonly.safetensors"), checkpoint);
        HttpClient http = HttpClient.newHttpClient();
        try (TestServer server = TestServer.start(TestServer.config(base))) {
            String serverAddress = "127.0.0.1:" + server.port();
            String clientId = UUID.randomUUID().toString();
            Recv recv = new Recv();
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://" + serverAddress + "/ws?clientId=" + clientId), recv).join();
            try {
                // get_images(ws, prompt) -> queue_prompt(prompt, prompt_id)
                String promptId = UUID.randomUUID().toString();
                ObjectNode p = Json.object();
                p.set("prompt", prompt());
                p.put("client_id", clientId);
                p.put("prompt_id", promptId);
                HttpResponse<String> queued = http.send(HttpRequest.newBuilder(URI.create("http://" + serverAddress + "/prompt"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(p))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200); // urlopen raises on an HTTP error
                assertThat(Json.parse(queued.body()).get("prompt_id").asText()).isEqualTo(promptId);

                int binaryFrames = 0;
                long deadline = System.currentTimeMillis() + 900_000;
                while (true) {
                    Object out = recv.frames.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                    assertThat(out).as("a frame before the deadline").isNotNull();
                    if (out instanceof String s) {
                        JsonNode message = Json.parse(s);
                        if (message.get("type").asText().equals("executing")) {
                            JsonNode data = message.get("data");
                            if (data.get("node").isNull() && data.get("prompt_id").asText().equals(promptId)) break;
                        }
                    } else {
                        binaryFrames++;
                    }
                }
                assertThat(binaryFrames).as("previews are off by default").isZero();

                JsonNode history = Json.parse(http.send(HttpRequest.newBuilder(
                        URI.create("http://" + serverAddress + "/history/" + promptId)).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).get(promptId);
                Map<String, List<byte[]>> outputImages = new LinkedHashMap<>();
                for (Iterator<String> it = history.get("outputs").fieldNames(); it.hasNext(); ) {
                    String nodeId = it.next();
                    JsonNode nodeOutput = history.get("outputs").get(nodeId);
                    List<byte[]> imagesOutput = new ArrayList<>();
                    if (nodeOutput.has("images")) {
                        for (JsonNode image : nodeOutput.get("images")) {
                            String query = "filename=" + URLEncoder.encode(image.get("filename").asText(), StandardCharsets.UTF_8)
                                    + "&subfolder=" + URLEncoder.encode(image.get("subfolder").asText(), StandardCharsets.UTF_8)
                                    + "&type=" + URLEncoder.encode(image.get("type").asText(), StandardCharsets.UTF_8);
                            HttpResponse<byte[]> view = http.send(HttpRequest.newBuilder(
                                    URI.create("http://" + serverAddress + "/view?" + query)).build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            assertThat(view.statusCode()).isEqualTo(200);
                            imagesOutput.add(view.body());
                        }
                    }
                    outputImages.put(nodeId, imagesOutput);
                }

                assertThat(outputImages.keySet()).containsExactly("9");
                assertThat(outputImages.get("9")).hasSize(1);
                byte[] png = outputImages.get("9").get(0);
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
                assertThat(image.getWidth()).isEqualTo(64);
                assertThat(image.getHeight()).isEqualTo(64);
                String filename = history.get("outputs").get("9").get("images").get(0).get("filename").asText();
                assertThat(filename).isEqualTo("ComfyUI_00001_.png");
                assertThat(png).isEqualTo(Files.readAllBytes(base.resolve("output").resolve(filename)));
            } finally {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
            }
        }
    }
}
