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

/**
 * A MODEL's denoise mask function in the KSampler pipeline (ComfyUI's {@code KSamplerX0Inpaint} with
 * {@code denoise_mask_function}): called at every model call with that call's sigma, the resized noise mask and
 * the run's sigmas, and its mask (not the noise mask) decides which pixels keep the latent.
 */
class DenoiseMaskScheduleTest {
    private static final ModelSampling SD15 = DiscreteModelSampling.sd15();

    @Test
    void theScheduledMaskReplacesTheNoiseMaskAtEachStep() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor latent = Tensor.full(0.5, DType.F32, 1, 4, 2, 2);
            Tensor noise = Noise.prepare(3, new long[] {1, 4, 2, 2}, null);
            Tensor noiseMask = Tensor.full(0.5, DType.F32, 1, 2, 2);
            float[] sigmas = {4f, 2f, 0f};
            List<Double> seen = new ArrayList<>();
            List<float[]> runs = new ArrayList<>();
            // the first step regenerates nothing (mask 0), the second everything (mask 1)
            GuidedModel.MaskSchedule schedule = (sigma, mask, run) -> {
                seen.add(sigma);
                runs.add(run);
                assertThat(mask.shape()).containsExactly(1, 4, 2, 2);
                assertThat(mask.toFloatArray()).containsOnly(0.5f);
                return Tensor.full(sigma > 3 ? 0.0 : 1.0, DType.F32, mask.shape());
            };
            Denoiser constant = (x, sigma) -> x.mul(0).add(0.7);
            Tensor out = KSamplerPipeline.sample(constant, SD15, Samplers.byName("euler"), sigmas, latent, noise, noiseMask,
                    KSamplerPipeline.SD15_SCALE_FACTOR, SamplingContext.of(3), schedule);
            assertThat(seen).containsExactly(4.0, 2.0);
            assertThat(runs.get(0)).isEqualTo(sigmas);
            // the last step (mask 1) lands on the model's 0.7 everywhere
            for (float v : out.toFloatArray()) assertThat((double) v).isCloseTo(0.7 / KSamplerPipeline.SD15_SCALE_FACTOR, within(1e-4));

            // with the schedule keeping everything, the result is the latent
            Tensor kept = KSamplerPipeline.sample(constant, SD15, Samplers.byName("euler"), sigmas, latent, noise, noiseMask,
                    KSamplerPipeline.SD15_SCALE_FACTOR, SamplingContext.of(3), (sigma, mask, run) -> Tensor.zeros(DType.F32, mask.shape()));
            for (float v : kept.toFloatArray()) assertThat(v).isCloseTo(0.5f, within(1e-5f));
        }
    }
}
