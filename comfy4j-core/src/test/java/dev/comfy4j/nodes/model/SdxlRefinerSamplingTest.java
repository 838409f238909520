package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.SparseCheckpoints;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.nodes.sampling.Sigmas;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDXL refiner samples: a checkpoint with the refiner UNet's full key layout and real shapes
 * (model_channels 384, context 1280, adm 2560, transformer depths [0,0,4,4,4,4,0,0]) written as a sparse file
 * whose data region is a hole (reads as zeros, costs no disk), with the final conv's bias set to known values.
 * Every other weight is 0, so the UNet predicts eps = that bias per channel whatever its inputs, and one euler
 * step from sigma_max gives, by hand, {@code (noise * sqrt(1 + s^2) - s * bias) / 0.13025}: the refiner is
 * detected, its y (2560 wide: pooled + height, width, crops, aesthetic score) fits its label embedding, and
 * the SDXL latent format applies. The same zero refiner checks the base-then-refiner handoff.
 */
class SdxlRefinerSamplingTest {
    private static final float[] OUT_BIAS = {0.5f, -0.25f, 1.0f, 0.125f};
    private static final double SIGMA_MAX = 14.614642;
    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;

    @BeforeAll
    static void writeCheckpoint() throws Exception {
        Path checkpoints = Files.createDirectories(base.resolve("models/checkpoints"));
        Map<String, long[]> shapes = SdLayouts.sdxlRefinerUnet(384, 1280, 2560);
        SparseCheckpoints.write(checkpoints.resolve("refiner_zero.safetensors"), shapes, DType.F16,
                Map.of("model.diffusion_model.out.2.bias", OUT_BIAS), Map.of());
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
    }

    @AfterAll
    static void close() {
        if (services != null) services.models().close();
    }

    @Test
    void oneEulerStepOfTheZeroRefinerGivesTheHandComputedLatent() throws Exception {
        List<Object> loaded = run("CheckpointLoaderSimple", Map.of("ckpt_name", "refiner_zero.safetensors"));
        var model = (ModelHandle) loaded.getFirst();
        assertThat(model.architecture().family()).isEqualTo(ModelFamily.SDXL_REFINER);
        assertThat(model.architecture().standardSize()).isTrue();
        assertThat(model.architecture().unet().admInChannels()).isEqualTo(2560);
        assertThat(model.architecture().family().latentFormat()).isEqualTo(LatentFormat.SDXL);
        try (TensorScope ignored = TensorScope.open()) {
            var latent = (Latent) run("EmptyLatentImage", Map.of("width", 64L, "height", 64L, "batch_size", 1L)).getFirst();
            Map<String, Object> inputs = new HashMap<>();
            inputs.put("model", model);
            inputs.put("seed", 7L);
            inputs.put("steps", 1L);
            inputs.put("cfg", 7.0);
            inputs.put("sampler_name", "euler");
            inputs.put("scheduler", "normal");
            inputs.put("positive", refinerConditioning(0.1, 6.0));
            inputs.put("negative", refinerConditioning(-0.1, null));
            inputs.put("latent_image", latent);
            inputs.put("denoise", 1.0);
            var out = (Latent) run("KSampler", inputs).getFirst();

            float[] noise = Noise.prepare(7, new long[] {1, 4, 8, 8}, null).toFloatArray();
            float[] ours = out.samples().contiguous().toFloatArray();
            double noiseScale = Math.sqrt(1 + SIGMA_MAX * SIGMA_MAX);
            for (int i = 0; i < ours.length; i++) {
                double expected = (noise[i] * noiseScale - SIGMA_MAX * OUT_BIAS[i / 64]) / 0.13025;
                assertThat((double) ours[i]).as("latent value %d", i).isCloseTo(expected, within(1e-4 * Math.abs(expected) + 1e-4));
            }
        }
    }

    /**
     * ComfyUI's base-then-refiner workflow: KSamplerAdvanced on the SDXL base for steps 0-2 of 4 returning the
     * leftover noise, then on the refiner from step 2 without adding noise. With the zero refiner (eps = bias)
     * each euler step moves the model-space latent by bias * (sigma_next - sigma), so the result must be
     * {@code base + bias * (0 - sigma_2) / 0.13025} with sigma_2 the refiner's own third sigma: the handoff takes
     * the base's noisy latent as it is, starts at the right sigma and denoises fully.
     */
    @Test
    void theBaseThenRefinerWorkflowHandsTheNoisyLatentOver() throws Exception {
        Path checkpoints = base.resolve("models/checkpoints");
        if (!Files.exists(checkpoints.resolve(TestCheckpoints.SDXL_NAME))) {
            Files.createSymbolicLink(checkpoints.resolve(TestCheckpoints.SDXL_NAME), TestCheckpoints.requireSdxl().toAbsolutePath());
            Path textEncoders = Files.createDirectories(base.resolve("models/text_encoders"));
            Path tokenizer = SharedFiles.require("data/clip-vit-l-14-tokenizer").toAbsolutePath();
            for (String name : List.of("vocab.json", "merges.txt")) {
                Files.createSymbolicLink(textEncoders.resolve(name), tokenizer.resolve(name));
            }
        }
        List<Object> sdxl = run("CheckpointLoaderSimple", Map.of("ckpt_name", TestCheckpoints.SDXL_NAME));
        Object refiner = run("CheckpointLoaderSimple", Map.of("ckpt_name", "refiner_zero.safetensors")).getFirst();
        try (TensorScope ignored = TensorScope.open()) {
            Object positive = run("CLIPTextEncode", Map.of("clip", sdxl.get(1), "text", "a lighthouse at dusk")).getFirst();
            Object negative = run("CLIPTextEncode", Map.of("clip", sdxl.get(1), "text", "blurry")).getFirst();
            Object empty = run("EmptyLatentImage", Map.of("width", 64L, "height", 64L, "batch_size", 1L)).getFirst();
            var noisy = (Latent) run("KSamplerAdvanced", advanced(sdxl.getFirst(), "enable", 0, 2, "enable", positive, negative, empty)).getFirst();
            var refined = (Latent) run("KSamplerAdvanced", advanced(refiner, "disable", 2, 10000, "disable",
                    refinerConditioning(0.1, 6.0), refinerConditioning(-0.1, null), noisy)).getFirst();

            var sigmas = (Sigmas) run("BasicScheduler", Map.of("model", refiner, "scheduler", "normal", "steps", 4L, "denoise", 1.0)).getFirst();
            double sigma2 = sigmas.values()[2];
            float[] before = noisy.samples().contiguous().toFloatArray();
            float[] after = refined.samples().contiguous().toFloatArray();
            assertThat(after).hasSameSizeAs(before);
            for (int i = 0; i < after.length; i++) {
                double expected = before[i] - OUT_BIAS[i / 64] * sigma2 / 0.13025;
                assertThat((double) after[i]).as("latent value %d", i).isCloseTo(expected, within(1e-4 * Math.abs(expected) + 1e-4));
            }
        }
    }

    private static Map<String, Object> advanced(Object model, String addNoise, long start, long end, String leftover,
                                                Object positive, Object negative, Object latent) {
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("model", model);
        inputs.put("add_noise", addNoise);
        inputs.put("noise_seed", 42L);
        inputs.put("steps", 4L);
        inputs.put("cfg", 7.0);
        inputs.put("sampler_name", "euler");
        inputs.put("scheduler", "normal");
        inputs.put("positive", positive);
        inputs.put("negative", negative);
        inputs.put("latent_image", latent);
        inputs.put("start_at_step", start);
        inputs.put("end_at_step", end);
        inputs.put("return_with_leftover_noise", leftover);
        return inputs;
    }

    /** What CLIPTextEncodeSDXLRefiner gives: a 1280-wide context, the pooled output, optionally its score. */
    private static Conditioning refinerConditioning(double value, Double ascore) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put(Conditioning.POOLED_OUTPUT, Tensor.full(value, DType.F32, 1, 1280));
        if (ascore != null) {
            options.put("aesthetic_score", ascore);
            options.put("width", 1024L);
            options.put("height", 1024L);
        }
        return Conditioning.of(Tensor.full(value, DType.F32, 1, 77, 1280), options);
    }

    private static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
