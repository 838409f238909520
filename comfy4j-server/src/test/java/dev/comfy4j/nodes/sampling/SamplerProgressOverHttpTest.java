package dev.comfy4j.nodes.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.GraphEngine;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.PreviewSettings;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.EmptyLatentImage;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.DiscreteModelSampling;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.support.WsClient;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A KSampler on a real server, observed as a client sees it over HTTP and the WebSocket: one
 * {@code progress_state} and one {@code progress} per step with ComfyUI's values, one binary preview
 * frame per step (type 1, JPEG, scaled to {@code --preview-size}) whose pixels are the latent2rgb of the
 * step's denoised latent, and {@code POST /interrupt} stopping the sampler between steps. The model is a
 * fake whose denoised prediction is a fixed latent pattern, so the previews are known in advance.
 */
class SamplerProgressOverHttpTest {
    private static final ModelSampling SD15 = DiscreteModelSampling.sd15();
    private static final int PREVIEW_SIZE = 256;
    /** SD1.5's latent-to-RGB factors, as ComfyUI's latent_formats.SD15 lists them. */
    private static final double[][] FACTORS = {
        {0.3512, 0.2297, 0.3227}, {0.3250, 0.4974, 0.2350}, {-0.2829, 0.1762, 0.2721}, {-0.2120, -0.2616, -0.7177}};

    @TempDir Path base;
    private TestServer server;
    private WsClient ws;
    private volatile long delayMillis;

    /** The denoised prediction of every call: a smooth pattern over an 8x8 latent. */
    private static float[] pattern() {
        float[] v = new float[4 * 8 * 8];
        for (int c = 0; c < 4; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) v[(c * 8 + y) * 8 + x] = (float) (Math.sin(0.4 * x + c) + Math.cos(0.3 * y - c));
            }
        }
        return v;
    }

    private final class PatternModel implements GuidedModel {
        @Override public ModelSampling modelSampling() { return SD15; }
        @Override public dev.comfy4j.model.LatentFormat latentFormat() { return dev.comfy4j.model.LatentFormat.SD15; }
        @Override public double latentScaleFactor() { return 0.18215; }

        @Override
        public Denoiser guided(Tensor positive, Tensor negative, double cfg) {
            return (x, sigma) -> {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Tensor.fromFloats(pattern(), x.shape());
            };
        }

        @Override public void close() {}
    }

    /** A MODEL output (any value: the fake SamplingModels ignores it). */
    static final class FakeModel implements Node {
        @Override public NodeSchema schema() { return NodeSchema.v1("FakeModel", "tests").output("MODEL").build(); }
        @Override public NodeResult execute(NodeInputs in, NodeContext context) { return NodeResult.of("model"); }
    }

    static final class FakeText implements Node {
        @Override public NodeSchema schema() {
            return NodeSchema.v1("FakeText", "tests").input(Input.floating("value")).output("CONDITIONING").build();
        }

        @Override public NodeResult execute(NodeInputs in, NodeContext context) {
            return NodeResult.of(Conditioning.of(Tensor.full(in.floating("value"), DType.F32, 1, 77, 8).escapeScope(), Map.of()));
        }
    }

    /** The output node the prompt needs: takes the sampled latent. */
    static final class LatentSink implements Node {
        @Override public NodeSchema schema() {
            return NodeSchema.v1("LatentSink", "tests").input(Input.of("samples", "LATENT")).outputNode().build();
        }

        @Override public NodeResult execute(NodeInputs in, NodeContext context) { return NodeResult.of(); }
    }

    private void start() {
        server = TestServer.start(TestServer.config(base), c -> {
            NodeRegistry registry = new NodeRegistry();
            registry.register(FakeModel::new);
            registry.register(FakeText::new);
            registry.register(EmptyLatentImage::new);
            registry.register(LatentSink::new);
            SamplingPreviews previews = SamplingPreviews.of(new PreviewSettings("latent2rgb", PREVIEW_SIZE),
                    TestServices.over(base).folders());
            registry.register(() -> new KSampler(m -> new PatternModel(), previews));
            return new GraphEngine(c, registry);
        });
        ws = server.websocket("tester");
        ws.next();
    }

    @AfterEach
    void stop() {
        if (ws != null) ws.close();
        if (server != null) server.close();
    }

    private String queue(int steps) {
        ObjectNode prompt = Json.object();
        prompt.putObject("1").put("class_type", "FakeModel").putObject("inputs");
        prompt.putObject("2").put("class_type", "FakeText").putObject("inputs").put("value", 1.0);
        prompt.putObject("5").put("class_type", "EmptyLatentImage").putObject("inputs")
                .put("width", 64).put("height", 64).put("batch_size", 1);
        ObjectNode k = prompt.putObject("3").put("class_type", "KSampler").putObject("inputs");
        k.put("seed", 42).put("steps", steps).put("cfg", 8.0).put("sampler_name", "euler").put("scheduler", "normal")
                .put("denoise", 1.0);
        k.putArray("model").add("1").add(0);
        k.putArray("positive").add("2").add(0);
        k.putArray("negative").add("2").add(0);
        k.putArray("latent_image").add("5").add(0);
        prompt.putObject("9").put("class_type", "LatentSink").putObject("inputs").putArray("samples").add("3").add(0);
        ObjectNode body = Json.object();
        body.set("prompt", prompt);
        body.put("client_id", "tester");
        var answer = server.postJson("/prompt", body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return TestServer.json(answer).get("prompt_id").asText();
    }

    private List<WsClient.Message> untilDone() {
        return ws.until(m -> m.type().equals("executing") && m.json().get("data").get("node").isNull());
    }

    @Test
    void everyStepSendsProgressStateProgressAndAJpegPreview() throws Exception {
        start();
        String id = queue(3);
        List<WsClient.Message> messages = untilDone();
        int from = 0;
        while (!(messages.get(from).type().equals("executing") && "3".equals(messages.get(from).json().get("data").path("node").asText()))) from++;
        List<WsClient.Message> sampler = messages.subList(from + 1, from + 1 + 9);
        float[] latent = pattern();
        for (int step = 1; step <= 3; step++) {
            WsClient.Message state = sampler.get((step - 1) * 3);
            WsClient.Message progress = sampler.get((step - 1) * 3 + 1);
            WsClient.Message frame = sampler.get((step - 1) * 3 + 2);
            assertThat(state.type()).isEqualTo("progress_state");
            JsonNode node = state.json().get("data").get("nodes").get("3");
            assertThat(node.get("value").isInt()).isTrue();
            assertThat(node.get("value").asInt()).isEqualTo(step);
            assertThat(node.get("max").asInt()).isEqualTo(3);
            assertThat(node.get("state").asText()).isEqualTo("running");
            assertThat(progress.type()).isEqualTo("progress");
            assertThat(progress.json().get("data")).isEqualTo(Json.MAPPER.readTree(
                    "{\"value\": " + step + ", \"max\": 3, \"prompt_id\": \"" + id + "\", \"node\": \"3\"}"));
            assertThat(frame.type()).isEqualTo("binary");
            ByteBuffer b = ByteBuffer.wrap(frame.binary());
            assertThat(b.getInt()).as("event type PREVIEW_IMAGE").isEqualTo(1);
            assertThat(b.getInt()).as("image format JPEG").isEqualTo(1);
            byte[] jpeg = Arrays.copyOfRange(frame.binary(), 8, frame.binary().length);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertThat(image.getWidth()).isEqualTo(PREVIEW_SIZE);
            assertThat(image.getHeight()).isEqualTo(PREVIEW_SIZE);
            // each latent pixel becomes a 32x32 block; near its centre the bilinear enlargement is the pixel itself
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int rgb = image.getRGB(32 * x + 16, 32 * y + 16);
                    int[] got = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                    for (int k = 0; k < 3; k++) {
                        double v = 0;
                        for (int c = 0; c < 4; c++) v += latent[(c * 8 + y) * 8 + x] * FACTORS[c][k];
                        int want = (int) (Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
                        assertThat(got[k]).as("pixel %d,%d channel %d", x, y, k).isCloseTo(want, within(8));
                    }
                }
            }
        }
        assertThat(messages.stream().map(WsClient.Message::type)).contains("execution_success");
    }

    @Test
    void anInterruptStopsTheSamplerBetweenStepsAndEndsThePromptAsComfyUIDoes() {
        delayMillis = 150;
        start();
        String id = queue(200);
        ws.until(m -> m.type().equals("progress"));
        long t0 = System.currentTimeMillis();
        assertThat(server.post("/interrupt", "{\"prompt_id\": \"" + id + "\"}").statusCode()).isEqualTo(200);
        List<WsClient.Message> rest = untilDone();
        assertThat(System.currentTimeMillis() - t0).isLessThan(5_000);
        long progressAfter = rest.stream().filter(m -> m.type().equals("progress")).count();
        assertThat(progressAfter).isLessThan(10);
        JsonNode interrupted = rest.stream().filter(m -> m.type().equals("execution_interrupted")).findFirst().orElseThrow()
                .json().get("data");
        assertThat(interrupted.get("prompt_id").asText()).isEqualTo(id);
        assertThat(interrupted.get("node_id").asText()).isEqualTo("3");
        assertThat(interrupted.get("node_type").asText()).isEqualTo("KSampler");
        assertThat(interrupted.get("executed")).extracting(JsonNode::asText).containsExactlyInAnyOrder("1", "2", "5");
        assertThat(rest.stream().map(WsClient.Message::type)).doesNotContain("execution_success", "execution_error");
        JsonNode status = server.waitForHistory(id).get("status");
        assertThat(status.get("status_str").asText()).isEqualTo("error");
        assertThat(status.get("completed").asBoolean()).isFalse();
        JsonNode last = status.get("messages").get(status.get("messages").size() - 1);
        assertThat(last.get(0).asText()).isEqualTo("execution_interrupted");
    }
}
