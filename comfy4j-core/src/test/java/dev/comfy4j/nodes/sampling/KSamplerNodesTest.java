package dev.comfy4j.nodes.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.ObjectInfo;
import dev.comfy4j.nodes.ProcessingInterrupted;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.DiscreteModelSampling;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The KSampler nodes on a model whose guided prediction is a known function of the contexts. */
class KSamplerNodesTest {
    private static final ModelSampling SD15 = DiscreteModelSampling.sd15();
    private static final double SCALE = 0.18215;

    /** D = cond + (cond - uncond) * (cfg - 1) written out: the mean of each context, guided, as a constant. */
    private static final class ConstantModel implements GuidedModel {
        int opened;
        int closed;
        final List<Double> sigmas = new ArrayList<>();

        @Override public ModelSampling modelSampling() { return SD15; }
        @Override public dev.comfy4j.model.LatentFormat latentFormat() { return dev.comfy4j.model.LatentFormat.SD15; }
        @Override public double latentScaleFactor() { return SCALE; }

        @Override
        public Denoiser guided(Tensor positive, Tensor negative, double cfg) {
            double p = positive.mean().item();
            double n = negative.mean().item();
            double d = n + (p - n) * cfg;
            return (x, sigma) -> {
                sigmas.add(sigma);
                return x.mul(0).add(d);
            };
        }

        @Override public void close() { closed++; }
    }

    @Test
    void objectInfoEqualsComfyUIs() throws Exception {
        JsonNode golden = SharedFiles.json("golden/comfyui/object_info.json");
        SamplingModels none = m -> { throw new AssertionError("not called"); };
        assertThat(Json.write(ObjectInfo.describe(new KSampler(none).schema()))).isEqualTo(Json.write(golden.get("KSampler")));
        assertThat(Json.write(ObjectInfo.describe(new KSamplerAdvanced(none).schema())))
                .isEqualTo(Json.write(golden.get("KSamplerAdvanced")));
    }

    @Test
    void kSamplerRunsTheScheduleReportsEveryStepAndReturnsVaeSpace() throws Exception {
        ConstantModel model = new ConstantModel();
        RecordingContext context = new RecordingContext(i -> false);
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Object> in = inputs(model, "euler", "normal", 4, 1.0, 2.0);
            Latent out = (Latent) new KSampler(m -> model).execute(NodeInputs.of(in), context).values().get(0);
            // Euler's last step lands on D = 0.1 + (0.3 - 0.1) * 2 = 0.5 in model space
            assertThat(out.samples().shape()).containsExactly(1, 4, 2, 2);
            for (float v : out.samples().toFloatArray()) assertThat((double) v).isCloseTo(0.5 / SCALE, within(1e-3));
        }
        assertThat(context.progress).containsExactly("1/4", "2/4", "3/4", "4/4");
        assertThat(model.sigmas).hasSize(4);
        assertThat(model.sigmas.get(0)).isCloseTo(SD15.sigmaMax(), within(1e-5));
        assertThat(model.closed).isEqualTo(1);
    }

    @Test
    void advancedWindowsAndDisabledNoise() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Object> in = inputs(model, "euler", "karras", 6, 0, 1.0);
            in.remove("denoise");
            in.remove("seed");
            in.put("noise_seed", BigInteger.valueOf(3));
            in.put("add_noise", "disable");
            in.put("start_at_step", 2L);
            in.put("end_at_step", 4L);
            in.put("return_with_leftover_noise", "enable");
            Latent input = (Latent) in.get("latent_image");
            Latent out = (Latent) new KSamplerAdvanced(m -> model).execute(NodeInputs.of(in), new RecordingContext(i -> false))
                    .values().get(0);
            // steps 2 and 3 of 6 karras sigmas, leftover noise kept (no forced 0 at the end)
            float[] karras = dev.comfy4j.sampling.Schedulers.byName("karras").sigmas(SD15, 6);
            assertThat(model.sigmas).hasSize(2);
            assertThat(model.sigmas.get(0)).isCloseTo(karras[2], within(1e-6));
            // zero noise and an empty latent: x stays 0 + moves towards D = 0.3 by Euler steps
            double x = 0;
            for (int i = 2; i < 4; i++) x = x + (x - 0.3) / karras[i] * (karras[i + 1] - karras[i]);
            assertThat((double) out.samples().toFloatArray()[0]).isCloseTo(x / SCALE, within(1e-4));

            in.put("start_at_step", 7L);
            Latent same = (Latent) new KSamplerAdvanced(m -> model).execute(NodeInputs.of(in), new RecordingContext(i -> false))
                    .values().get(0);
            assertThat(same).isSameAs(input);
        }
    }

    @Test
    void forceFullDenoiseEndsTheWindowAtSigmaZero() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Object> in = inputs(model, "euler", "karras", 6, 0, 1.0);
            in.remove("denoise");
            in.remove("seed");
            in.put("noise_seed", BigInteger.valueOf(3));
            in.put("add_noise", "enable");
            in.put("start_at_step", 0L);
            in.put("end_at_step", 4L);
            in.put("return_with_leftover_noise", "disable");
            Latent out = (Latent) new KSamplerAdvanced(m -> model).execute(NodeInputs.of(in), new RecordingContext(i -> false))
                    .values().get(0);
            // sigmas k0..k3 then 0 in place of k4: Euler's step to sigma 0 lands exactly on D = 0.3
            float[] karras = dev.comfy4j.sampling.Schedulers.byName("karras").sigmas(SD15, 6);
            assertThat(model.sigmas).hasSize(4);
            assertThat(model.sigmas.get(3)).isCloseTo(karras[3], within(1e-6));
            for (float v : out.samples().toFloatArray()) assertThat((double) v).isCloseTo(0.3 / SCALE, within(1e-4));
        }
    }

    @Test
    void setLatentNoiseMaskRegeneratesOnlyTheMaskedPart() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            // an 8x8 latent of 0.7; the mask regenerates the left half of its 64x64 pixels
            float[] m = new float[64 * 64];
            for (int y = 0; y < 64; y++) for (int x = 0; x < 32; x++) m[y * 64 + x] = 1f;
            Latent latent = Latent.of(Tensor.full(0.7, DType.F32, 1, 4, 8, 8));
            Latent masked = (Latent) new dev.comfy4j.nodes.latent.SetLatentNoiseMask().execute(NodeInputs.of(new LinkedHashMap<>(
                    Map.of("samples", latent, "mask", Tensor.fromFloats(m, 1, 64, 64)))), null).values().get(0);
            Map<String, Object> in = inputs(model, "euler", "normal", 5, 1.0, 3.0);
            in.put("latent_image", masked);
            Latent out = (Latent) new KSampler(m2 -> model).execute(NodeInputs.of(in), new RecordingContext(i -> false))
                    .values().get(0);
            // the bilinear 64 -> 8 mask is exactly 1 on latent columns 0-3 and 0 on 4-7: there D = 0.1 + 0.2 * 3 = 0.7
            // in model space (0.7 / scale as a latent), elsewhere the input latent itself
            float[] v = out.samples().toFloatArray();
            for (int c = 0; c < 4; c++) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        double want = x < 4 ? 0.7 / SCALE : 0.7;
                        assertThat((double) v[(c * 8 + y) * 8 + x]).as("c%d y%d x%d", c, y, x).isCloseTo(want, within(1e-4));
                    }
                }
            }
            assertThat(out.noiseMask()).isSameAs(masked.noiseMask());
        }
    }

    @Test
    void theInitialNoiseIsPrepareNoiseOfTheSeed() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            // denoise 0.5 with the identity-like model D = 0: one Euler step scales x by sigma1/sigma0
            Map<String, Object> in = inputs(model, "euler", "normal", 1, 0.5, 1.0);
            in.put("positive", Conditioning.of(Tensor.zeros(DType.F32, 1, 2, 3), Map.of()));
            in.put("negative", Conditioning.of(Tensor.zeros(DType.F32, 1, 2, 3), Map.of()));
            Latent out = (Latent) new KSampler(m -> model).execute(NodeInputs.of(in), new RecordingContext(i -> false)).values().get(0);
            float[] sigmas = dev.comfy4j.sampling.SigmaSelection.forDenoise(SD15, "euler",
                    dev.comfy4j.sampling.Schedulers.byName("normal"), 1, 0.5);
            float[] noise = Noise.prepare(42, new long[]{1, 4, 2, 2}, null).toFloatArray();
            float[] got = out.samples().toFloatArray();
            for (int i = 0; i < noise.length; i++) {
                double expected = noise[i] * (double) sigmas[0] * (sigmas[1] / (double) sigmas[0]) / SCALE;
                assertThat((double) got[i]).isCloseTo(expected, within(1e-4 * (1 + Math.abs(expected))));
            }
        }
    }

    @Test
    void anInterruptStopsBetweenStepsAndReleasesTheModel() {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Object> in = inputs(model, "dpmpp_2m", "karras", 10, 1.0, 7.5);
            RecordingContext context = new RecordingContext(done -> done == 3);
            assertThatThrownBy(() -> new KSampler(m -> model).execute(NodeInputs.of(in), context))
                    .isInstanceOf(ProcessingInterrupted.class);
            assertThat(model.sigmas).hasSize(3);
            assertThat(model.closed).isEqualTo(1);
        }
    }

    @Test
    void everySamplerOfTheListRunsThroughTheNode() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            for (String name : dev.comfy4j.sampling.Samplers.NAMES) {
                Map<String, Object> in = inputs(model, name, "karras", 3, 1.0, 2.0);
                Latent out = (Latent) new KSampler(m -> model).execute(NodeInputs.of(in), new RecordingContext(i -> false)).values().get(0);
                // every sampler ends on the constant D = 0.5 from any start, but dpm_fast/dpm_adaptive stop at
                // sigma_min and uni_pc at sigma 0.001, where a little of the noise is left
                double tolerance = name.startsWith("dpm_fast") || name.startsWith("dpm_adaptive") ? 0.2 : name.startsWith("uni_pc") ? 0.01 : 1e-3;
                for (float v : out.samples().toFloatArray()) assertThat((double) v * SCALE).as(name).isCloseTo(0.5, within(tolerance));
            }
        }
    }

    private static Map<String, Object> inputs(Object model, String sampler, String scheduler, long steps, double denoise,
            double cfg) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("model", model);
        in.put("seed", BigInteger.valueOf(42));
        in.put("steps", steps);
        in.put("cfg", cfg);
        in.put("sampler_name", sampler);
        in.put("scheduler", scheduler);
        in.put("positive", Conditioning.of(Tensor.full(0.3, DType.F32, 1, 2, 3), Map.of()));
        in.put("negative", Conditioning.of(Tensor.full(0.1, DType.F32, 1, 2, 3), Map.of()));
        in.put("latent_image", Latent.of(Tensor.zeros(DType.F32, 1, 4, 2, 2)));
        in.put("denoise", denoise);
        return in;
    }
}
