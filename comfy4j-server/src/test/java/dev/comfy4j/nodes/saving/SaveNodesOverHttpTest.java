package dev.comfy4j.nodes.saving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.support.ModelFolderServer;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The save nodes over HTTP on the random SD1.5 checkpoint: CheckpointSave writes the checkpoint with the
 * prompt and workflow in its metadata and every weight bit for bit, and the saved file, loaded by
 * CheckpointLoaderSimple, samples exactly the image of the original; VAESave honours
 * {@code --disable-metadata}; a prefix that leaves the output folder is ComfyUI's execution error.
 */
class SaveNodesOverHttpTest {
    @TempDir static Path base;
    @TempDir static Path quietBase;
    @AutoClose private static ModelFolderServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ModelFolderServer.start(base);
    }

    private static String graph(String checkpoint, String imagePrefix, String extraNodes) {
        return """
            {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a bottle on a table", "clip": ["1", 1]}},
             "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
             "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "5": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["2", 0], "negative": ["3", 0],
                   "latent_image": ["4", 0], "seed": 42, "steps": 1, "cfg": 7.0, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1.0}},
             "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
             "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "%s"}}%s}
            """.formatted(checkpoint, imagePrefix, extraNodes);
    }

    /** Runs {@code prompt} on {@code on} with a workflow in its extra data, as the frontend posts it. */
    private static JsonNode run(ModelFolderServer on, String prompt) {
        return on.submit("{\"prompt\": " + prompt + ", \"extra_data\": {\"extra_pnginfo\": {\"workflow\": {\"id\": \"w1\"}}}}");
    }

    private static int[] pixels(JsonNode entry) throws Exception {
        return server.pixels(entry, "7");
    }

    @Test
    void aSavedCheckpointHasEveryWeightAndSamplesTheSameImage() throws Exception {
        String save = """
            , "8": {"class_type": "CheckpointSave", "inputs": {"model": ["1", 0], "clip": ["1", 1], "vae": ["1", 2],
                    "filename_prefix": "checkpoints/roundtrip"}}""";
        int[] before = pixels(run(server, graph(TestCheckpoints.SD15_NAME, "before", save)));
        Path saved = base.resolve("output/checkpoints/roundtrip_00001_.safetensors");
        try (StateDict file = ModelFiles.loadStateDict(saved); StateDict original = ModelFiles.loadStateDict(TestCheckpoints.requireSd15())) {
            TreeSet<String> expected = new TreeSet<>();
            for (String k : original.keys()) {
                if (k.startsWith("model.diffusion_model.") || k.startsWith("first_stage_model.")
                        || (k.startsWith("cond_stage_model.transformer.text_model.") && !k.endsWith("position_ids"))) {
                    expected.add(k);
                }
            }
            assertThat(new TreeSet<>(file.keys())).isEqualTo(expected);
            for (String k : expected) {
                try (TensorScope ignored = TensorScope.open()) {
                    assertThat(file.get(k).dtype()).as(k).isEqualTo(original.get(k).dtype());
                    assertThat(file.get(k).toByteArray()).as(k).isEqualTo(original.get(k).contiguous().toByteArray());
                }
            }
            assertThat(file.metadata()).containsEntry("workflow", "{\"id\": \"w1\"}").containsEntry("modelspec.predict_key", "epsilon");
            assertThat(file.metadata().get("prompt")).startsWith("{\"1\": {\"class_type\": \"CheckpointLoaderSimple\"")
                    .contains("\"filename_prefix\": \"checkpoints/roundtrip\"");
        }
        Files.move(saved, base.resolve("models/checkpoints/roundtrip.safetensors"));
        int[] after = pixels(run(server, graph("roundtrip.safetensors", "after", "")));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void vaeSaveWritesThePromptUnlessMetadataIsDisabled() throws Exception {
        String save = """
            {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "8": {"class_type": "VAESave", "inputs": {"vae": ["1", 2], "filename_prefix": "vae/meta"}}}
            """.formatted(TestCheckpoints.SD15_NAME);
        assertThat(run(server, save).get("status").get("status_str").asText()).isEqualTo("success");
        try (StateDict file = ModelFiles.loadStateDict(base.resolve("output/vae/meta_00001_.safetensors"))) {
            assertThat(file.metadata()).containsOnlyKeys("prompt", "workflow");
        }
        try (ModelFolderServer quiet = ModelFolderServer.start(quietBase, ModelFolderServer.FolderFiles.NONE,
                config -> config.toBuilder().disableMetadata(true).build())) {
            assertThat(run(quiet, save).get("status").get("status_str").asText()).isEqualTo("success");
        }
        try (StateDict file = ModelFiles.loadStateDict(quietBase.resolve("output/vae/meta_00001_.safetensors"))) {
            assertThat(file.metadata()).isEmpty();
            assertThat(file.size()).isGreaterThan(200);
        }
    }

    @Test
    void aPrefixLeavingTheOutputFolderIsComfyUisExecutionError() throws Exception {
        String prompt = """
            {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "8": {"class_type": "ModelSave", "inputs": {"model": ["1", 0], "filename_prefix": "../../outside/model"}}}
            """.formatted(TestCheckpoints.SD15_NAME);
        JsonNode error = ModelFolderServer.executionError(run(server, prompt));
        assertThat(error.get("node_id").asText()).isEqualTo("8");
        assertThat(error.get("node_type").asText()).isEqualTo("ModelSave");
        assertThat(error.get("exception_type").asText()).isEqualTo("Exception");
        assertThat(error.get("exception_message").asText())
                .startsWith("**** ERROR: Saving image outside the output folder is not allowed.");
        assertThat(base.resolveSibling("outside")).doesNotExist();
    }
}
