package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.TorchZipWriter;
import dev.comfy4j.support.ModelFolderServer;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.tensor.Tensor;
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
 * The model nodes over real HTTP on the random SD1.5 checkpoint: a workflow through the loader,
 * the text encoder and the VAE writes an image; broken model files end their prompt with a node
 * error in ComfyUI's shape that names the file, and the next prompt runs; /free unloads.
 */
class ModelNodesOverHttpTest {
    @TempDir static Path base;
    @AutoClose private static ModelFolderServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ModelFolderServer.start(base, ModelNodesOverHttpTest::writeBrokenModels);
    }

    private static void writeBrokenModels(Path folder) throws Exception {
        Path checkpoints = folder.resolve("models/checkpoints");
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Files.write(checkpoints.resolve("corrupt.safetensors"), noise);
        SafetensorsWriter.write(checkpoints.resolve("unknown.safetensors"),
                Map.of("some.weight", Tensor.fromFloats(new float[] {1, 2, 3, 4}, 2, 2)), Map.of());
        TorchZipWriter.writeRaw(checkpoints.resolve("evil.ckpt"), new TorchZipWriter.Pickle().op(0x80).op(2)
                .global("posix", "system").str("touch " + folder.resolve("pwned")).op(0x85).op('R').op('.').bytes());
        Files.createDirectories(folder.resolve("models/vae"));
        SafetensorsWriter.write(folder.resolve("models/vae/not_a_vae.safetensors"),
                Map.of("model.diffusion_model.input_blocks.0.0.weight", Tensor.fromFloats(new float[] {1}, 1)), Map.of());
    }

    /** Loader, two text encodes, inpaint conditioning and the VAE down to a saved 64x64 image. */
    private static String workflow(String checkpoint) {
        return """
            {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a (glass:1.2) bottle", "clip": ["1", 1]}},
             "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["1", 1]}},
             "4": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": 8421504}},
             "5": {"class_type": "SolidMask", "inputs": {"value": 1.0, "width": 64, "height": 64}},
             "6": {"class_type": "InpaintModelConditioning", "inputs": {"positive": ["2", 0], "negative": ["3", 0],
                   "vae": ["1", 2], "pixels": ["4", 0], "mask": ["5", 0], "noise_mask": true}},
             "7": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 2], "vae": ["1", 2]}},
             "8": {"class_type": "SaveImage", "inputs": {"images": ["7", 0], "filename_prefix": "model_nodes"}}}
            """.formatted(checkpoint);
    }

    private static JsonNode run(String prompt) {
        return server.run(prompt);
    }

    @Test
    void aWorkflowThroughLoaderTextEncoderAndVaeSavesTheImage() throws Exception {
        JsonNode entry = run(workflow(TestCheckpoints.SD15_NAME));
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("success");
        JsonNode image = entry.get("outputs").get("8").get("images").get(0);
        BufferedImage decoded = ImageIO.read(base.resolve("output").resolve(image.get("filename").asText()).toFile());
        assertThat(decoded.getWidth()).isEqualTo(64);
        assertThat(decoded.getHeight()).isEqualTo(64);
        assertThat(server.http().app().models().loaded()).extracting(info -> info.key().split(":")[0])
                .contains("CLIP", "VAE");

        var free = server.http().post("/free", "{\"unload_models\": true}");
        assertThat(free.statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!server.http().app().models().loaded().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(server.http().app().models().loaded()).isEmpty();
        // The cached loader output still works after /free: its handles load the weights again.
        JsonNode again = run(workflow(TestCheckpoints.SD15_NAME).replace("a (glass:1.2) bottle", "another prompt"));
        assertThat(again.get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void brokenModelFilesFailTheirNodeNamingTheFileAndTheServerGoesOn() throws Exception {
        assertNodeError(workflow("corrupt.safetensors"), "1", "corrupt.safetensors");
        assertNodeError(workflow("unknown.safetensors"), "1", "Could not detect model type of: unknown.safetensors");
        assertNodeError(workflow("evil.ckpt"), "1", "evil.ckpt: refused to load");
        assertThat(base.resolve("pwned")).doesNotExist();
        String vaeFromUnet = """
            {"1": {"class_type": "VAELoader", "inputs": {"vae_name": "not_a_vae.safetensors"}},
             "2": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "3": {"class_type": "VAEDecode", "inputs": {"samples": ["2", 0], "vae": ["1", 0]}},
             "4": {"class_type": "PreviewImage", "inputs": {"images": ["3", 0]}}}
            """;
        assertNodeError(vaeFromUnet, "1", "not_a_vae.safetensors is not a VAE");
        JsonNode next = run(workflow(TestCheckpoints.SD15_NAME));
        assertThat(next.get("status").get("status_str").asText()).isEqualTo("success");
    }

    @Test
    void aModelNameOutsideTheFolderIsRefusedByValidation() {
        var response = server.http().post("/prompt", "{\"prompt\": " + workflow("../../etc/passwd") + "}");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode errors = TestServer.json(response).get("node_errors").get("1").get("errors").get(0);
        assertThat(errors.get("type").asText()).isEqualTo("value_not_in_list");
    }

    private static void assertNodeError(String prompt, String node, String messagePart) throws Exception {
        JsonNode error = ModelFolderServer.executionError(run(prompt));
        assertThat(error.get("node_id").asText()).isEqualTo(node);
        assertThat(error.get("exception_message").asText()).contains(messagePart);
        assertThat(Json.write(error)).doesNotContain(base.toString());
    }
}
