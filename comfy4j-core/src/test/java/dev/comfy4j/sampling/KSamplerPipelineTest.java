package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The KSampler pipeline around a sampler: noise scaling, latent scaling, noise masks, empty schedules. */
class KSamplerPipelineTest {
    private static final ModelSampling SD15 = DiscreteModelSampling.sd15();
    private static final double SCALE = KSamplerPipeline.SD15_SCALE_FACTOR;

    @Test
    void pureNoiseStartsAtSqrtOnePlusSigmaSquaredAndPartialDenoiseAtSigma() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor latent = Tensor.zeros(DType.F32, 1, 4, 2, 2);
            Tensor noise = Noise.prepare(42, new long[]{1, 4, 2, 2}, null);
            List<Float> firstInputs = new ArrayList<>();
            Denoiser recorder = (x, sigma) -> {
                if (firstInputs.isEmpty()) firstInputs.add(x.toFloatArray()[0]);
                return x.mul(0);
            };
            float[] full = Schedulers.byName("normal").sigmas(SD15, 2);
            KSamplerPipeline.sample(recorder, SD15, Samplers.byName("euler"), full, latent, noise, null, SCALE, SamplingContext.of(42));
            double n0 = noise.toFloatArray()[0];
            assertThat((double) firstInputs.get(0)).isCloseTo(n0 * Math.sqrt(1 + full[0] * (double) full[0]), within(1e-4));
            firstInputs.clear();
            float[] partial = {2f, 1f, 0f};
            Tensor image = Tensor.full(0.5, DType.F32, 1, 4, 2, 2);
            KSamplerPipeline.sample(recorder, SD15, Samplers.byName("euler"), partial, image, noise, null, SCALE, SamplingContext.of(42));
            assertThat((double) firstInputs.get(0)).isCloseTo(n0 * 2 + 0.5 * SCALE, within(1e-5));
        }
    }

    @Test
    void theResultLeavesModelSpaceAndNoSigmasReturnTheLatent() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor latent = Tensor.full(0.25, DType.F32, 1, 4, 2, 2);
            Tensor noise = Noise.prepare(1, new long[]{1, 4, 2, 2}, null);
            Denoiser constant = (x, sigma) -> x.mul(0).add(0.7);
            float[] sigmas = {3f, 0f};
            Tensor out = KSamplerPipeline.sample(constant, SD15, Samplers.byName("euler"), sigmas, latent, noise, null, SCALE,
                    SamplingContext.of(1));
            // one Euler step to 0 lands on D
            assertThat((double) out.toFloatArray()[3]).isCloseTo(0.7 / SCALE, within(1e-4));
            Tensor unchanged = KSamplerPipeline.sample(constant, SD15, Samplers.byName("euler"), new float[0], latent, noise, null,
                    SCALE, SamplingContext.of(1));
            assertThat(unchanged.toFloatArray()).containsOnly(0.25f);
        }
    }

    @Test
    void aNoiseMaskKeepsTheUnmaskedAreaOfTheLatent() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor latent = Tensor.full(0.4, DType.F32, 1, 4, 4, 4);
            Tensor noise = Noise.prepare(5, new long[]{1, 4, 4, 4}, null);
            // regenerate the left half of a 32x32 pixel-space mask
            float[] m = new float[32 * 32];
            for (int y = 0; y < 32; y++) for (int x = 0; x < 16; x++) m[y * 32 + x] = 1f;
            Tensor mask = Tensor.fromFloats(m, 1, 32, 32);
            Denoiser model = new GaussianDenoiser(1.5, 0.1);
            float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 6);
            // the CFG++ samplers read the unconditional prediction through the mask wrapper; the SDE ones a Brownian tree
            for (String name : List.of("euler", "ddim", "euler_ancestral", "euler_cfg_pp", "dpmpp_2m_cfg_pp", "dpmpp_sde", "sa_solver")) {
                float[] out = KSamplerPipeline.sample(model, SD15, Samplers.byName(name), sigmas, latent, noise, mask, SCALE,
                        SamplingContext.of(5)).toFloatArray();
                for (int c = 0; c < 4; c++) {
                    for (int y = 0; y < 4; y++) {
                        assertThat((double) out[c * 16 + y * 4 + 3]).as(name + " kept").isCloseTo(0.4, within(1e-5));
                        // regenerated: a draw of the data N(1.5, 0.1^2) in model space, within 4 std
                        assertThat((double) out[c * 16 + y * 4] * SCALE).as(name + " regenerated").isCloseTo(1.5, within(0.4));
                    }
                }
            }
        }
    }

    /**
     * ddim's inpaint noise reseeds torch's default generator: ComfyUI's {@code torch.manual_seed(seed + 1)} and a randn
     * of the noise's shape, so ToMe's later draws in the run continue from there; without a mask nothing is drawn.
     */
    @Test
    void ddimsInpaintNoiseReseedsTheRunsDefaultGenerator() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor latent = Tensor.full(0.4, DType.F32, 1, 4, 4, 4);
            Tensor noise = Noise.prepare(5, new long[]{1, 4, 4, 4}, null);
            Tensor mask = Tensor.full(1.0, DType.F32, 1, 32, 32);
            float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 2);
            Denoiser model = new GaussianDenoiser(1.5, 0.1);
            long[] expected;
            try (dev.comfy4j.tensor.TorchGenerator reference = dev.comfy4j.tensor.TorchGenerator.cpu(6)) {
                Tensor.randn(reference, DType.F32, 1, 4, 4, 4).close();
                expected = Tensor.randint(reference, 4, 16).toLongArray();
            }
            try (dev.comfy4j.tensor.DefaultGenerator run = dev.comfy4j.tensor.DefaultGenerator.seeded(5)) {
                run.during(() -> KSamplerPipeline.sample(model, SD15, Samplers.byName("ddim"), sigmas, latent, noise, mask, SCALE,
                        SamplingContext.of(5)));
                assertThat(Tensor.randint(run.generator(), 4, 16).toLongArray()).containsExactly(expected);
            }
            try (dev.comfy4j.tensor.DefaultGenerator run = dev.comfy4j.tensor.DefaultGenerator.seeded(5);
                    dev.comfy4j.tensor.TorchGenerator untouched = dev.comfy4j.tensor.TorchGenerator.cpu(5)) {
                run.during(() -> KSamplerPipeline.sample(model, SD15, Samplers.byName("ddim"), sigmas, latent, noise, null, SCALE,
                        SamplingContext.of(5)));
                assertThat(Tensor.randint(run.generator(), 4, 16).toLongArray())
                        .containsExactly(Tensor.randint(untouched, 4, 16).toLongArray());
            }
        }
    }
}
