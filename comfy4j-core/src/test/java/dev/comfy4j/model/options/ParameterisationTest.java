package dev.comfy4j.model.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.Prediction;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.sampling.ParameterisedModelSampling;
import dev.comfy4j.sampling.schedulers.NormalScheduler;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/**
 * The model_sampling objects of the ModelSampling* nodes against ComfyUI's formulas computed here: the
 * discrete tables (plain, zero terminal SNR, LCM's distilled 50), the continuous EDM/V/Cosmos schedules, and
 * the parameterisations' input scaling and denoised output.
 */
class ParameterisationTest {
    /** ComfyUI's "linear" schedule sigmas in float64, written out again. */
    private static double[] linearSigmas() {
        double[] out = new double[1000];
        double acp = 1;
        for (int i = 0; i < 1000; i++) {
            double a = Math.sqrt(0.00085);
            double b = Math.sqrt(0.012);
            double beta = i < 500 ? a + (b - a) / 999 * i : b - (b - a) / 999 * (999 - i);
            acp *= 1 - beta * beta;
            out[i] = Math.sqrt((1 - acp) / acp);
        }
        return out;
    }

    @Test
    void theEpsAndVTablesAreTheCheckpointsTable() {
        float[] base = ModelSamplingDiscrete.of(Prediction.EPS).sigmas();
        float[] baseLogs = ModelSamplingDiscrete.of(Prediction.EPS).logSigmas();
        for (DiscreteParameterisation.Kind kind : new DiscreteParameterisation.Kind[] {DiscreteParameterisation.Kind.EPS,
                DiscreteParameterisation.Kind.V_PREDICTION, DiscreteParameterisation.Kind.X0}) {
            DiscreteParameterisation p = DiscreteParameterisation.of(kind, false);
            assertThat(p.sigmas()).isEqualTo(base);
            assertThat(p.logSigmas()).isEqualTo(baseLogs);
            assertThat(p.timestep(base[477])).isEqualTo(477);
        }
    }

    @Test
    void zsnrRescalesTheTableToZeroTerminalSnr() {
        double[] sigmas = linearSigmas();
        double first = Math.sqrt(1 / (sigmas[0] * sigmas[0] + 1));
        double last = Math.sqrt(1 / (sigmas[999] * sigmas[999] + 1));
        float[] got = DiscreteParameterisation.of(DiscreteParameterisation.Kind.EPS, true).sigmas();
        for (int i : new int[] {0, 1, 250, 500, 900, 998}) {
            double sqrtAbar = (Math.sqrt(1 / (sigmas[i] * sigmas[i] + 1)) - last) * first / (first - last);
            double abar = sqrtAbar * sqrtAbar;
            assertThat((double) got[i]).as("sigma " + i).isCloseTo(Math.sqrt((1 - abar) / abar), Percentage.withPercentage(1e-4));
        }
        // the first sigma keeps its value, the last one is ComfyUI's finite stand-in for infinity
        assertThat((double) got[0]).isCloseTo(sigmas[0], Percentage.withPercentage(1e-4));
        assertThat((double) got[999]).isCloseTo(Math.sqrt((1 - 4.8973451890853435e-08) / 4.8973451890853435e-08), Percentage.withPercentage(1e-5));
        assertThat(got[999]).isGreaterThan(4500f);
    }

    @Test
    void lcmKeepsEveryTwentiethSigmaAndMapsToItsDistilledTimesteps() {
        float[] full = ModelSamplingDiscrete.of(Prediction.EPS).sigmas();
        DiscreteParameterisation lcm = DiscreteParameterisation.of(DiscreteParameterisation.Kind.LCM, false);
        float[] table = lcm.sigmas();
        assertThat(table).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(table[i]).isEqualTo(full[19 + 20 * i]);
            assertThat(lcm.timestep(table[i])).isEqualTo(20 * i + 19);
            assertThat(lcm.sigma(20 * i + 19)).isCloseTo(table[i], Percentage.withPercentage(1e-4));
        }
        assertThat(lcm.sigma(0)).isCloseTo(table[0], Percentage.withPercentage(1e-4)); // clamped below
        assertThat(lcm.sigmaMax()).isEqualTo(full[999]);
        // c_out * (x - out * sigma) + c_skip * x at the timestep scaled by 10, sigma_data 0.5
        try (TensorScope ignored = TensorScope.open()) {
            float sigma = table[10];
            double t = 10.0 * (20 * 10 + 19);
            double cSkip = 0.25 / (t * t + 0.25);
            double cOut = t / Math.sqrt(t * t + 0.25);
            float[] x = {1.5f, -0.5f};
            float[] out = {0.25f, 2f};
            float[] got = lcm.calculateDenoised(Tensor.fromFloats(new float[] {sigma}, 1), Tensor.fromFloats(out, 1, 2, 1, 1),
                    Tensor.fromFloats(x, 1, 2, 1, 1)).toFloatArray();
            for (int i = 0; i < 2; i++) assertThat((double) got[i]).isCloseTo(cOut * (x[i] - out[i] * sigma) + cSkip * x[i], within(1e-5));
        }
    }

    @Test
    void x0AndImgToImgReturnTheModelOutputAsTheDenoisedLatent() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.fromFloats(new float[] {3f, 4f}, 1, 2, 1, 1);
            Tensor out = Tensor.fromFloats(new float[] {0.5f, -1f}, 1, 2, 1, 1);
            Tensor sigma = Tensor.fromFloats(new float[] {2f}, 1);
            for (DiscreteParameterisation.Kind kind : new DiscreteParameterisation.Kind[] {DiscreteParameterisation.Kind.X0,
                    DiscreteParameterisation.Kind.IMG_TO_IMG}) {
                var p = DiscreteParameterisation.of(kind, false);
                assertThat(p.calculateDenoised(sigma, out, x).toFloatArray()).containsExactly(0.5f, -1f);
            }
            // x0 scales the input as eps does; img_to_img gives the latent as it is
            float[] scaled = DiscreteParameterisation.of(DiscreteParameterisation.Kind.X0, false).calculateInput(sigma, x).toFloatArray();
            assertThat((double) scaled[0]).isCloseTo(3 / Math.sqrt(5), within(1e-6));
            assertThat((double) scaled[1]).isCloseTo(4 / Math.sqrt(5), within(1e-6));
            assertThat(DiscreteParameterisation.of(DiscreteParameterisation.Kind.IMG_TO_IMG, false).calculateInput(sigma, x).toFloatArray())
                    .containsExactly(3f, 4f);
        }
    }

    @Test
    void continuousSchedulesAreLogSpacedWithTheirTimestepMaps() {
        var edm = new ContinuousParameterisation(ContinuousParameterisation.Schedule.EDM, ContinuousParameterisation.Kind.EDM, 0.002, 120, 0.5);
        float[] table = edm.sigmas();
        assertThat(table).hasSize(1000);
        assertThat((double) table[0]).isCloseTo(0.002, Percentage.withPercentage(1e-4));
        assertThat((double) table[999]).isCloseTo(120, Percentage.withPercentage(1e-4));
        double ratio = Math.exp((Math.log(120) - Math.log(0.002)) / 999);
        assertThat((double) table[500] / table[499]).isCloseTo(ratio, Percentage.withPercentage(1e-3));
        assertThat(edm.timestep(7.0)).isCloseTo(0.25 * Math.log(7.0), within(1e-6));
        assertThat(edm.sigma(edm.timestep(7.0))).isCloseTo(7.0, within(1e-5));
        assertThat(edm.percentToSigma(0.25)).isCloseTo(Math.exp((Math.log(table[999]) - Math.log(table[0])) * 0.75 + Math.log(table[0])),
                Percentage.withPercentage(1e-6));

        var v = new ContinuousParameterisation(ContinuousParameterisation.Schedule.V, ContinuousParameterisation.Kind.V_PREDICTION, 0.03, 500, 1);
        assertThat(v.timestep(2.0)).isCloseTo(Math.atan(2.0) / Math.PI * 2, within(1e-6));
        assertThat(v.sigma(v.timestep(2.0))).isCloseTo(2.0, within(1e-5));

        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.fromFloats(new float[] {1f, 2f}, 1, 2, 1, 1);
            Tensor out = Tensor.fromFloats(new float[] {0.5f, -0.5f}, 1, 2, 1, 1);
            Tensor sigma = Tensor.fromFloats(new float[] {3f}, 1);
            // EDM: x sd^2/(s^2+sd^2) + out s sd / sqrt(s^2+sd^2), input x / sqrt(s^2+sd^2)
            float[] d = edm.calculateDenoised(sigma, out, x).toFloatArray();
            assertThat((double) d[0]).isCloseTo(1 * 0.25 / 9.25 + 0.5 * 3 * 0.5 / Math.sqrt(9.25), within(1e-6));
            assertThat((double) edm.calculateInput(sigma, x).toFloatArray()[1]).isCloseTo(2 / Math.sqrt(9.25), within(1e-6));
            assertThat(edm.timesteps(sigma).toFloatArray()[0]).isCloseTo((float) (0.25 * Math.log(3)), within(1e-6f));
            var cosmos = new ContinuousParameterisation(ContinuousParameterisation.Schedule.COSMOS_RFLOW,
                    ContinuousParameterisation.Kind.COSMOS_RFLOW, 0.002, 80, 1);
            assertThat(cosmos.calculateInput(sigma, x).toFloatArray()).containsExactly(0.25f, 0.5f);
            assertThat(cosmos.calculateDenoised(sigma, out, x).toFloatArray()[0]).isCloseTo(0.25f - 0.5f * 0.75f, within(1e-6f));
            assertThat(cosmos.scalesPureNoise()).isFalse();
            assertThat(cosmos.timestep(3.0)).isCloseTo(0.75, within(1e-7));
        }
    }

    @Test
    void theNormalSchedulerSpacesContinuousTimestepsEvenly() {
        var edm = new ContinuousParameterisation(ContinuousParameterisation.Schedule.EDM, ContinuousParameterisation.Kind.EPS, 0.03, 14.6, 1);
        float[] sigmas = NormalScheduler.normal().sigmas(new ParameterisedModelSampling(edm), 4);
        double start = 0.25 * Math.log(edm.sigmaMax());
        double end = 0.25 * Math.log(edm.sigmaMin());
        assertThat(sigmas).hasSize(5);
        for (int i = 0; i < 4; i++) {
            assertThat((double) sigmas[i]).isCloseTo(Math.exp((start + (end - start) * i / 3) / 0.25), Percentage.withPercentage(1e-4));
        }
        assertThat(sigmas[4]).isZero();
    }

    @Test
    void nonPositiveSigmaBoundsAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ContinuousParameterisation(ContinuousParameterisation.Schedule.EDM,
                ContinuousParameterisation.Kind.EPS, 0.0, 120, 1)).hasMessageContaining("greater than 0");
    }
}
