package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 * the SDXL latent format applies.
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
        writeSparse(checkpoints.resolve("refiner_zero.safetensors"), shapes, Map.of("model.diffusion_model.out.2.bias", OUT_BIAS));
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

    /**
     * A safetensors file of fp16 tensors with these shapes whose data region is left as a hole (zeros, no disk
     * used), apart from the {@code values} written into it.
     */
    static void writeSparse(Path file, Map<String, long[]> shapes, Map<String, float[]> values) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, long[]> offsets = new HashMap<>();
        long offset = 0;
        for (var e : shapes.entrySet()) {
            long bytes = 2;
            for (long d : e.getValue()) bytes *= d;
            header.put(e.getKey(), Map.of("dtype", "F16", "shape", e.getValue(), "data_offsets", List.of(offset, offset + bytes)));
            offsets.put(e.getKey(), new long[] {offset, offset + bytes});
            offset += bytes;
        }
        byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        java.util.Arrays.fill(headerBytes, (byte) ' ');
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        long dataStart = 8 + padded;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            f.write(headerBytes);
            f.setLength(dataStart + offset);
            for (var v : values.entrySet()) {
                long[] range = offsets.get(v.getKey());
                ByteBuffer data = ByteBuffer.allocate(v.getValue().length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v.getValue()) data.putShort(Float.floatToFloat16(x));
                assertThat((long) data.capacity()).isEqualTo(range[1] - range[0]);
                f.seek(dataStart + range[0]);
                f.write(data.array());
            }
        }
    }
}
