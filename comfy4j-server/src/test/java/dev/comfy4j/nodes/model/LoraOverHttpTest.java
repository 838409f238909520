package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.support.ModelFolderServer;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoraLoader and ModelMergeSimple over real HTTP on the random SD1.5 checkpoint with LoRA files the
 * test writes: a LoRA changes the sampled image, strength 0 gives exactly the image without it, a merge
 * at ratio 1 or 0 gives exactly one of its models, and a LoRA that does not fit fails its node naming
 * the file while the next prompt runs on clean weights.
 */
class LoraOverHttpTest {
    @TempDir static Path base;
    @AutoClose private static ModelFolderServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ModelFolderServer.start(base, LoraOverHttpTest::writeLoras);
    }

    private static void writeLoras(Path folder) throws Exception {
        Path loras = Files.createDirectories(folder.resolve("models/loras"));
        Random random = new Random(3);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        // kohya names on UNet attention (diffusers block names) and a CLIP layer, rank 4, fp16 like real files
        lora(tensors, "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", 320, 320, random);
        lora(tensors, "lora_unet_mid_block_attentions_0_proj_out", 1280, 1280, random);
        lora(tensors, "lora_te_text_model_encoder_layers_11_mlp_fc2", 768, 3072, random);
        tensors.put("lora_unet_no_such_layer.lora_up.weight", Tensor.zeros(DType.F16, 4, 4));
        SafetensorsWriter.write(loras.resolve("style.safetensors"), tensors, Map.of());
        Map<String, Tensor> wrong = new LinkedHashMap<>();
        lora(wrong, "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", 640, 640, random);
        SafetensorsWriter.write(loras.resolve("other_arch.safetensors"), wrong, Map.of());
        Map<String, Tensor> unrelated = new LinkedHashMap<>();
        lora(unrelated, "lora_transformer_single_blocks_0_linear1", 64, 64, random);
        SafetensorsWriter.write(loras.resolve("flux_only.safetensors"), unrelated, Map.of());
        Files.write(loras.resolve("corrupt.safetensors"), new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9});
    }

    private static void lora(Map<String, Tensor> out, String key, int outDim, int inDim, Random random) {
        int rank = 4;
        float[] up = new float[outDim * rank];
        float[] down = new float[rank * inDim];
        for (int i = 0; i < up.length; i++) up[i] = (float) random.nextGaussian() * 0.5f;
        for (int i = 0; i < down.length; i++) down[i] = (float) random.nextGaussian() * 0.5f;
        out.put(key + ".lora_up.weight", Tensor.fromFloats(up, outDim, rank).to(DType.F16));
        out.put(key + ".lora_down.weight", Tensor.fromFloats(down, rank, inDim).to(DType.F16));
        out.put(key + ".alpha", Tensor.fromFloats(new float[] {4.0f}));
    }

    /** The default text-to-image graph at 64x64, 1 step, with a LoraLoader between loader and users (or not). */
    private static String workflow(String lora, String strengthModel, String strengthClip) {
        return workflow(lora, strengthModel, strengthClip, 42);
    }

    private static String workflow(String lora, String strengthModel, String strengthClip, int seed) {
        String model = lora == null ? "[\"1\", 0]" : "[\"9\", 0]";
        String clip = lora == null ? "[\"1\", 1]" : "[\"9\", 1]";
        String loader = lora == null ? "" : """
            "9": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1], "lora_name": "%s",
                  "strength_model": %s, "strength_clip": %s}},
            """.formatted(lora, strengthModel, strengthClip);
        return """
            {%s"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a bottle on a table", "clip": %s}},
             "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": %s}},
             "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
             "5": {"class_type": "KSampler", "inputs": {"model": %s, "positive": ["2", 0], "negative": ["3", 0],
                   "latent_image": ["4", 0], "seed": %d, "steps": 1, "cfg": 7.0, "sampler_name": "euler",
                   "scheduler": "normal", "denoise": 1.0}},
             "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
             "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "lora"}}}
            """.formatted(loader, TestCheckpoints.SD15_NAME, clip, clip, model, seed);
    }

    private static JsonNode run(String prompt) {
        return server.run(prompt);
    }

    private static int[] pixels(JsonNode entry) throws Exception {
        return server.pixels(entry, "7");
    }

    @Test
    void aLoraChangesTheImageAndStrengthZeroGivesExactlyTheImageWithout() throws Exception {
        int[] plain = pixels(run(workflow(null, null, null)));
        int[] styled = pixels(run(workflow("style.safetensors", "1.0", "1.0")));
        int[] modelOnly = pixels(run(workflow("style.safetensors", "1.0", "0.0")));
        assertThat(styled).isNotEqualTo(plain);
        assertThat(modelOnly).isNotEqualTo(plain).isNotEqualTo(styled);
        // Sampled anew (KSampler's input comes from the LoraLoader) after the patched runs: the base
        // weights were never patched.
        int[] zero = pixels(run(workflow("style.safetensors", "0.0", "0.0")));
        assertThat(zero).isEqualTo(plain);
    }

    @Test
    void loraLoaderModelOnlyPatchesTheModel() throws Exception {
        String prompt = workflow(null, null, null)
                .replace("\"model\": [\"1\", 0], \"positive\"", "\"model\": [\"9\", 0], \"positive\"")
                .replace("{\"1\":", """
                    {"9": {"class_type": "LoraLoaderModelOnly", "inputs": {"model": ["1", 0],
                           "lora_name": "style.safetensors", "strength_model": -1.0}}, "1":""");
        int[] negative = pixels(run(prompt));
        assertThat(negative).isNotEqualTo(pixels(run(workflow(null, null, null))));
    }

    @Test
    void modelMergeSimpleWeighsTheTwoModelsExactly() throws Exception {
        int[] plain = pixels(run(workflow(null, null, null)));
        int[] styledModel = pixels(run(workflow("style.safetensors", "1.0", "0.0")));
        assertThat(pixels(run(merged("1.0")))).isEqualTo(plain);
        assertThat(pixels(run(merged("0.0")))).isEqualTo(styledModel);
        assertThat(pixels(run(merged("0.5")))).isNotEqualTo(plain).isNotEqualTo(styledModel);
    }

    /** The plain model merged with its LoRA-patched self at {@code ratio} (ratio 1 keeps model1). */
    private static String merged(String ratio) {
        return workflow("style.safetensors", "1.0", "0.0")
                .replace("\"model\": [\"9\", 0], \"positive\"", "\"model\": [\"10\", 0], \"positive\"")
                .replace("{\"9\":", """
                    {"10": {"class_type": "ModelMergeSimple", "inputs": {"model1": ["1", 0], "model2": ["9", 0],
                            "ratio": %s}}, "9":""".formatted(ratio));
    }

    @Test
    void aLoraThatDoesNotFitFailsItsNodeNamingTheFileAndTheNextPromptRunsClean() throws Exception {
        assertNodeError(workflow("other_arch.safetensors", "1.0", "1.0"), "other_arch.safetensors does not fit this model");
        assertNodeError(workflow("flux_only.safetensors", "1.0", "1.0"), "flux_only.safetensors patches no weight");
        assertNodeError(workflow("corrupt.safetensors", "1.0", "1.0"), "corrupt.safetensors");
        // A seed no other test samples, so both graphs run after the failures instead of coming from the cache.
        int[] plain = pixels(run(workflow(null, null, null, 7)));
        assertThat(plain).isEqualTo(pixels(run(workflow("style.safetensors", "0.0", "0.0", 7))));
    }

    private static void assertNodeError(String prompt, String messagePart) throws Exception {
        JsonNode error = ModelFolderServer.executionError(run(prompt));
        assertThat(error.get("node_id").asText()).isEqualTo("9");
        assertThat(error.get("exception_message").asText()).contains(messagePart);
        assertThat(error.get("exception_message").asText()).doesNotContain(base.toString());
    }
}
