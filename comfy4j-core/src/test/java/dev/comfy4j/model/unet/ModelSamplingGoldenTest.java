package dev.comfy4j.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.Prediction;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/** The 1000-entry tables against ComfyUI's ModelSamplingDiscrete buffers (sigmas.safetensors). */
class ModelSamplingGoldenTest {
    @Test
    void sigmaAndLogSigmaTablesMatchComfyUi() throws Exception {
        var path = SharedFiles.require("golden/numeric/sigmas.safetensors");
        ModelSamplingDiscrete sampling = ModelSamplingDiscrete.of(Prediction.EPS);
        try (SafetensorsFile file = SafetensorsFile.open(path); TensorScope ignored = TensorScope.open()) {
            float[] sigmas = file.tensor("sigmas/model_sampling/sigmas").toFloatArray();
            float[] logSigmas = file.tensor("sigmas/model_sampling/log_sigmas").toFloatArray();
            assertThat(sampling.sigmas()).hasSize(1000);
            assertThat(RelativeL2.of(sampling.sigmas(), sigmas)).isLessThanOrEqualTo(1e-6);
            assertThat(RelativeL2.of(sampling.logSigmas(), logSigmas)).isLessThanOrEqualTo(1e-6);
            for (int i = 0; i < 1000; i++) {
                assertThat((double) sampling.sigmas()[i]).as("sigma " + i).isCloseTo(sigmas[i], org.assertj.core.data.Percentage.withPercentage(1e-4));
            }
            assertThat(sampling.sigmaMin()).isEqualTo(sigmas[0]);
            assertThat(sampling.sigmaMax()).isEqualTo(sigmas[999]);
        }
    }

    @Test
    void timestepIsTheNearestTableIndexAndSigmaInvertsIt() {
        ModelSamplingDiscrete sampling = ModelSamplingDiscrete.of(Prediction.EPS);
        float[] table = sampling.sigmas();
        try (TensorScope ignored = TensorScope.open()) {
            for (int i : new int[]{0, 1, 15, 477, 625, 795, 998, 999}) {
                assertThat(sampling.timestep(table[i])).as("timestep of sigma " + i).isEqualTo(i);
                assertThat(sampling.sigma((double) i)).isCloseTo(table[i], org.assertj.core.data.Percentage.withPercentage(1e-4));
            }
            // Beyond the ends: clamped to the first and last entries.
            assertThat(sampling.timestep(1e-6)).isEqualTo(0);
            assertThat(sampling.timestep(1000.0)).isEqualTo(999);
            // Between two entries the timestep rounds to the nearer one in log space (never interpolates).
            double between = Math.exp((Math.log(table[500]) * 0.7 + Math.log(table[501]) * 0.3));
            assertThat(sampling.timestep(between)).isEqualTo(500);
            // sigma(t) interpolates log-linearly between entries.
            double half = sampling.sigma(500.5);
            assertThat(half).isCloseTo(Math.exp((Math.log(table[500]) + Math.log(table[501])) / 2), org.assertj.core.data.Offset.offset(1e-5));
            Tensor batch = sampling.timestep(Tensor.fromFloats(new float[]{table[3], table[900]}, 2));
            assertThat(batch.toLongArray()).containsExactly(3, 900);
        }
    }

    @Test
    void scalingsFollowTheParameterisation() {
        ModelSamplingDiscrete eps = ModelSamplingDiscrete.of(Prediction.EPS);
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.fromFloats(new float[]{1f, -2f, 3f, 0.5f}, 2, 2, 1, 1);
            Tensor sigma = Tensor.fromFloats(new float[]{2f, 0.5f}, 2);
            float[] input = eps.calculateInput(sigma, x).toFloatArray();
            assertThat(input[0]).isCloseTo((float) (1 / Math.sqrt(5)), org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(input[3]).isCloseTo((float) (0.5 / Math.sqrt(1.25)), org.assertj.core.data.Offset.offset(1e-6f));
            Tensor noise = Tensor.fromFloats(new float[]{1f, 1f, 1f, 1f}, 2, 2, 1, 1);
            Tensor latent = Tensor.fromFloats(new float[]{0f, 1f, 0f, 0f}, 2, 2, 1, 1);
            assertThat(eps.noiseScaling(sigma, noise, latent, false).toFloatArray()).containsExactly(2f, 3f, 0.5f, 0.5f);
            float[] max = eps.noiseScaling(sigma, noise, latent, true).toFloatArray();
            assertThat(max[0]).isCloseTo((float) Math.sqrt(5), org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(max[1]).isCloseTo((float) Math.sqrt(5) + 1, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(eps.inverseNoiseScaling(sigma, x)).isSameAs(x);
            assertThat(eps.isMaxDenoise(eps.sigmaMax())).isTrue();
            assertThat(eps.isMaxDenoise(eps.sigmaMax() * (1 - 1e-6))).isTrue();
            assertThat(eps.isMaxDenoise(eps.sigmaMax() * 0.99)).isFalse();
            assertThat(eps.percentToSigma(0.0)).isEqualTo(999999999.9);
            assertThat(eps.percentToSigma(1.0)).isEqualTo(0.0);
        }
    }
}
