package dev.comfy4j.nodes.modelpatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.support.ModelFolderServer;
import dev.comfy4j.support.TestCheckpoints;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model-patch nodes over real HTTP on the random SD1.5 checkpoint (64x64 and, for PAG, 128x128; one step): every patch changes
 * the sampled image, a patch that is the identity (PAG at scale 0, FreeU with factors 1) gives exactly the
 * unpatched image, and the unpatched MODEL of the same loader keeps giving the same image before and after
 * the patched prompts (options never touch the shared weights, and the cache reruns the right nodes).
 */
class ModelPatchesOverHttpTest {
    @TempDir static Path base;
    @AutoClose private static ModelFolderServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ModelFolderServer.start(base);
    }

    /** The default text-to-image graph at 64x64, 1 step, with {@code patch} (node 9) between loader and KSampler. */
    private static String workflow(String patch, int steps, String scheduler) {
        return workflow(patch, steps, scheduler, 64);
    }

    private static String workflow(String patch, int steps, String scheduler, int size) {
        String model = patch == null ? "[\"1\", 0]" : "[\"9\", 0]";
        String node = patch == null ? "" : "\"9\": " + patch + ",";
        return """
            {%s"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a bottle on a table", "clip": ["1", 1]}},
             "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
             "4": {"class_type": "EmptyLatentImage", "inputs": {"width": %d, "height": %d, "batch_size": 1}},
             "5": {"class_type": "KSampler", "inputs": {"model": %s, "positive": ["2", 0], "negative": ["3", 0],
                   "latent_image": ["4", 0], "seed": 42, "steps": %d, "cfg": 7.0, "sampler_name": "euler",
                   "scheduler": "%s", "denoise": 1.0}},
             "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
             "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "patched"}}}
            """.formatted(node, TestCheckpoints.SD15_NAME, size, size, model, steps, scheduler);
    }

    private static String patch(String classType, String inputs) {
        return "{\"class_type\": \"" + classType + "\", \"inputs\": {\"model\": [\"1\", 0]" + (inputs.isEmpty() ? "" : ", " + inputs) + "}}";
    }

    private static JsonNode run(String prompt) {
        return server.run(prompt);
    }

    private static int[] pixels(JsonNode entry) throws Exception {
        return server.pixels(entry, "7");
    }

    @Test
    void everyPatchChangesTheImageAndTheUnpatchedModelStaysTheSame() throws Exception {
        int[] plain = pixels(run(workflow(null, 1, "normal")));
        Map<String, String> patches = new LinkedHashMap<>();
        patches.put("RescaleCFG", patch("RescaleCFG", "\"multiplier\": 0.7"));
        patches.put("FreeU", patch("FreeU", "\"b1\": 1.1, \"b2\": 1.2, \"s1\": 0.9, \"s2\": 0.2"));
        patches.put("FreeU_V2", patch("FreeU_V2", "\"b1\": 1.3, \"b2\": 1.4, \"s1\": 0.9, \"s2\": 0.2"));
        patches.put("v_prediction", patch("ModelSamplingDiscrete", "\"sampling\": \"v_prediction\", \"zsnr\": false"));
        patches.put("zsnr", patch("ModelSamplingDiscrete", "\"sampling\": \"eps\", \"zsnr\": true"));
        patches.put("x0", patch("ModelSamplingDiscrete", "\"sampling\": \"x0\", \"zsnr\": false"));
        patches.put("edm eps", patch("ModelSamplingContinuousEDM", "\"sampling\": \"eps\", \"sigma_max\": 14.6, \"sigma_min\": 0.03"));
        patches.put("continuous v", patch("ModelSamplingContinuousV", "\"sampling\": \"v_prediction\", \"sigma_max\": 500.0, \"sigma_min\": 0.03"));
        patches.put("CFGZeroStar", patch("CFGZeroStar", ""));
        patches.put("CFGNorm", patch("CFGNorm", "\"strength\": 0.5"));
        patches.put("APG", patch("APG", "\"eta\": 0.0, \"norm_threshold\": 5.0, \"momentum\": 0.0"));
        patches.put("TCFG", patch("TCFG", ""));
        patches.put("HyperTile", patch("HyperTile", "\"tile_size\": 32, \"swap_size\": 2, \"max_depth\": 0, \"scale_depth\": false"));
        patches.put("Epsilon Scaling", patch("Epsilon Scaling", "\"scaling_factor\": 1.2"));
        patches.put("Deep Shrink", patch("PatchModelAddDownscale", "\"block_number\": 3, \"downscale_factor\": 2.0, \"start_percent\": 0.0, "
                + "\"end_percent\": 0.35, \"downscale_after_skip\": true, \"downscale_method\": \"bicubic\", \"upscale_method\": \"bicubic\""));
        for (Map.Entry<String, String> e : patches.entrySet()) {
            assertThat(pixels(run(workflow(e.getValue(), 1, "normal")))).as(e.getKey()).isNotEqualTo(plain);
        }
        // With one step from sigma_max LCM's denoised output is the eps one up to c_skip ~ 1e-9: two steps differ.
        int[] plain2 = pixels(run(workflow(null, 2, "normal")));
        assertThat(plain2).isNotEqualTo(plain);
        assertThat(pixels(run(workflow(patch("ModelSamplingDiscrete", "\"sampling\": \"lcm\", \"zsnr\": false"), 2, "normal"))))
                .isNotEqualTo(plain2);
        // At 64x64 the middle block is 1x1, where self-attention over one token is the identity already: PAG
        // changes the image from 128x128 on; SAG's map needs more than one token too.
        int[] plain128 = pixels(run(workflow(null, 1, "normal", 128)));
        assertThat(pixels(run(workflow(patch("PerturbedAttentionGuidance", "\"scale\": 3.0"), 1, "normal", 128)))).isNotEqualTo(plain128);
        assertThat(pixels(run(workflow(patch("SelfAttentionGuidance", "\"scale\": 0.5, \"blur_sigma\": 2.0"), 1, "normal", 128))))
                .isNotEqualTo(plain128);
        // Sampled again as at first after all the patched runs: the loader's MODEL is untouched.
        assertThat(pixels(run(workflow(null, 1, "normal")))).isEqualTo(plain);
    }

    @Test
    void identityPatchesGiveExactlyTheUnpatchedImage() throws Exception {
        int[] plain = pixels(run(workflow(null, 1, "simple")));
        assertThat(pixels(run(workflow(patch("PerturbedAttentionGuidance", "\"scale\": 0.0"), 1, "simple")))).isEqualTo(plain);
        assertThat(pixels(run(workflow(patch("FreeU", "\"b1\": 1.0, \"b2\": 1.0, \"s1\": 1.0, \"s2\": 1.0"), 1, "simple"))))
                .isEqualTo(plain);
        assertThat(pixels(run(workflow(patch("ModelSamplingDiscrete", "\"sampling\": \"eps\", \"zsnr\": false"), 1, "simple"))))
                .isEqualTo(plain);
    }

    @Test
    void badModelSamplingInputsFailTheirNodeWithAClearError() throws Exception {
        JsonNode entry = run(workflow(patch("ModelSamplingContinuousEDM", "\"sampling\": \"edm\", \"sigma_max\": 120.0, \"sigma_min\": 0.0"),
                1, "normal"));
        assertThat(entry.get("status").get("status_str").asText()).as(entry.toString()).isEqualTo("error");
        assertThat(entry.toString()).contains("sigma_min and sigma_max must be greater than 0");
    }
}
