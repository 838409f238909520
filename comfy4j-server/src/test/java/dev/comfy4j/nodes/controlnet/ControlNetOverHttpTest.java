package dev.comfy4j.nodes.controlnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.support.ModelFolderServer;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestControlNets;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.TensorScope;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoadImage -> ControlNetLoader -> ControlNetApplyAdvanced -> KSampler over real HTTP on the random SD1.5
 * checkpoint, with a full-size SD1.5 ControlNet the test builds from the checkpoint's UNet (fp16, random hint
 * block and zero convolutions): the ControlNet changes the image; limited to the second half of the schedule it
 * leaves a one-step run exactly as without it; a ControlNet applied on a file that is none fails its node.
 */
class ControlNetOverHttpTest {
    @TempDir static Path base;
    @AutoClose private static ModelFolderServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ModelFolderServer.start(base, ControlNetOverHttpTest::writeControlNetAndHint);
    }

    private static void writeControlNetAndHint(Path folder) throws Exception {
        Path controlnets = Files.createDirectories(folder.resolve("models/controlnet"));
        try (StateDict sd = ModelFiles.loadStateDict(TestCheckpoints.requireSd15()); TensorScope ignored = TensorScope.open()) {
            ModelArchitecture arch = ArchitectureDetector.detect(sd);
            SafetensorsWriter.write(controlnets.resolve("control_sd15_random.safetensors"), TestControlNets.withPrefix(
                    TestControlNets.fromUnet(sd, arch.unetPrefix(), arch.unet(), TestControlNets.ZeroConvs.RANDOM, 5, DType.F16),
                    "control_model."), Map.of());
        }
        Files.write(controlnets.resolve("notes.safetensors"), "not a model".getBytes());
        Path input = Files.createDirectories(folder.resolve("input"));
        BufferedImage hint = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) hint.setRGB(x, y, (x / 16 + y / 16) % 2 == 0 ? 0xffffff : random.nextInt());
        ImageIO.write(hint, "png", input.resolve("hint.png").toFile());
    }

    private static String workflow(String controlNet, double start, double end) {
        String positive = controlNet == null ? "[\"2\", 0]" : "[\"10\", 0]";
        String negative = controlNet == null ? "[\"3\", 0]" : "[\"10\", 1]";
        String control = controlNet == null ? "" : """
            "8": {"class_type": "LoadImage", "inputs": {"image": "hint.png"}},
            "9": {"class_type": "ControlNetLoader", "inputs": {"control_net_name": "%s"}},
            "10": {"class_type": "ControlNetApplyAdvanced", "inputs": {"positive": ["2", 0], "negative": ["3", 0],
                   "control_net": ["9", 0], "image": ["8", 0], "strength": 1.0, "start_percent": %s, "end_percent": %s}},
            """.formatted(controlNet, start, end);
        return """
            {%s"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a house", "clip": ["1", 1]}},
             "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
             "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "5": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": %s, "negative": %s,
                   "latent_image": ["4", 0], "seed": 42, "steps": 1, "cfg": 7.0, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1.0}},
             "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
             "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "cn"}}}
            """.formatted(control, TestCheckpoints.SD15_NAME, positive, negative);
    }

    private static JsonNode run(String prompt) {
        return server.run(prompt);
    }

    private static int[] pixels(JsonNode entry) throws Exception {
        return server.pixels(entry, "7");
    }

    @Test
    void aControlNetChangesTheImageAndOutsideItsRangeChangesNothing() throws Exception {
        int[] plain = pixels(run(workflow(null, 0, 1)));
        int[] controlled = pixels(run(workflow("control_sd15_random.safetensors", 0.0, 1.0)));
        assertThat(controlled).isNotEqualTo(plain);
        // one step at sigma_max: a ControlNet for the second half of the schedule never runs
        assertThat(pixels(run(workflow("control_sd15_random.safetensors", 0.5, 1.0)))).isEqualTo(plain);
    }

    @Test
    void aFileThatIsNoControlNetFailsTheLoaderNode() throws Exception {
        JsonNode error = ModelFolderServer.executionError(run(workflow("notes.safetensors", 0.0, 1.0)));
        assertThat(error.get("node_type").asText()).isEqualTo("ControlNetLoader");
        assertThat(error.get("exception_type").asText()).isEqualTo("RuntimeError");
        assertThat(error.get("exception_message").asText())
                .startsWith("ERROR: controlnet file is invalid and does not contain a valid controlnet model: notes.safetensors");
    }
}
