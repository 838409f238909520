package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The samplers on the exact denoiser of a Gaussian, against closed forms and hand calculations. */
class SamplersTest {
    private static final GaussianDenoiser MODEL = new GaussianDenoiser(0.3, 0.5);
    private static final ModelSampling SD15 = DiscreteModelSampling.sd15();
    private static final float[] START = {-2.5f, -1f, 0f, 0.4f, 1.7f, 3.2f};
    /** Samplers with no noise: they follow the probability-flow ODE. */
    private static final List<String> DETERMINISTIC = List.of("euler", "euler_cfg_pp", "heun", "heunpp2", "dpm_2", "lms", "dpm_fast",
            "dpmpp_2m", "dpmpp_2m_cfg_pp", "ipndm", "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp", "ddim", "uni_pc",
            "uni_pc_bh2");
    /** Samplers that walk a number of steps of their own (dpm_fast: nfe / 3 + 1; dpm_adaptive: as its error control decides). */
    private static final List<String> OWN_STEP_COUNT = List.of("dpm_fast", "dpm_adaptive");

    @Test
    void everyNameOfKSamplersListIsImplemented() {
        assertThat(Samplers.NAMES).hasSize(42).startsWith("euler", "euler_cfg_pp").endsWith("ddim", "uni_pc", "uni_pc_bh2");
        assertThat(Samplers.implemented()).isEqualTo(Samplers.NAMES);
        for (String name : Samplers.implemented()) assertThat(Samplers.byName(name).name()).isEqualTo(name);
        assertThatThrownBy(() -> Samplers.byName("nope")).hasMessageContaining("unknown sampler");
    }

    @Test
    void eulerEqualsItsClosedForm() {
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 7);
        float[] out = run("euler", sigmas, START);
        for (int k = 0; k < START.length; k++) {
            double x = START[k];
            for (int i = 0; i < sigmas.length - 1; i++) {
                double s = sigmas[i];
                x = x + (x - MODEL.denoise(x, s)) / s * (sigmas[i + 1] - s);
            }
            assertThat((double) out[k]).isCloseTo(x, within(1e-5 * (1 + Math.abs(x))));
        }
    }

    @Test
    void heunEqualsAHandCalculation() {
        float[] sigmas = {3f, 1.25f, 0f};
        float[] out = run("heun", sigmas, START);
        for (int k = 0; k < START.length; k++) {
            double x = START[k];
            // step 1: Heun's average of the slopes at 3 and at the Euler point at 1.25
            double d = (x - MODEL.denoise(x, 3)) / 3;
            double x2 = x + d * (1.25 - 3);
            double d2 = (x2 - MODEL.denoise(x2, 1.25)) / 1.25;
            x = x + (d + d2) / 2 * (1.25 - 3);
            // step 2 ends at 0: plain Euler
            x = x + (x - MODEL.denoise(x, 1.25)) / 1.25 * (0 - 1.25);
            assertThat((double) out[k]).isCloseTo(x, within(1e-5));
        }
    }

    @Test
    void deterministicSamplersConvergeToTheExactOdeSolution() {
        for (String name : DETERMINISTIC) {
            double coarse = odeError(name, 8);
            double fine = odeError(name, 48);
            assertThat(fine).as(name + " error at 48 steps").isLessThan(5e-3);
            assertThat(fine).as(name + " converges at least at first order").isLessThan(coarse / 4);
        }
        // second-order methods beat Euler at the same step count
        assertThat(odeError("heun", 16)).isLessThan(odeError("euler", 16));
        assertThat(odeError("dpmpp_2m", 16)).isLessThan(odeError("euler", 16));
        assertThat(odeError("lms", 16)).isLessThan(odeError("euler", 16));
        assertThat(odeError("uni_pc", 16)).isLessThan(odeError("dpmpp_2m", 16));
    }

    @Test
    void lmsCoefficientsIntegrateTheLagrangeBasis() {
        float[] t = {10f, 6f, 3.5f, 2f, 1f};
        // order 1: the step itself; order 2 at i = 1: integral of (tau - t0)/(t1 - t0) and (tau - t1)/(t0 - t1)
        assertThat(samplersLmsCoefficient(t, 1, 0, 0)).isCloseTo(6 - 10, within(1e-12));
        double a = t[1];
        double b = t[2];
        double c0 = ((b * b - a * a) / 2 - t[0] * (b - a)) / (t[1] - t[0]);
        double c1 = ((b * b - a * a) / 2 - t[1] * (b - a)) / (t[0] - t[1]);
        assertThat(samplersLmsCoefficient(t, 2, 1, 0)).isCloseTo(c0, within(1e-12));
        assertThat(samplersLmsCoefficient(t, 2, 1, 1)).isCloseTo(c1, within(1e-12));
        // the coefficients of any order sum to the step length (the basis sums to 1)
        double sum = 0;
        for (int j = 0; j < 4; j++) sum += samplersLmsCoefficient(t, 4, 3, j);
        assertThat(sum).isCloseTo(t[4] - t[3], within(1e-12));
    }

    @Test
    void ancestralStepNoiseComesFromAGeneratorSeededWithTheSeed() {
        float[] sigmas = {4f, 1.5f};
        long seed = 42;
        float[] out = run("euler_ancestral", sigmas, START, seed);
        float[] eps;
        try (TensorScope ignored = TensorScope.open()) {
            eps = Noise.prepare(seed, new long[]{1, START.length}, null).toFloatArray();
        }
        AncestralStep a = AncestralStep.of(4, 1.5, 1);
        for (int k = 0; k < START.length; k++) {
            double x = START[k];
            double expected = x + (x - MODEL.denoise(x, 4)) / 4 * (a.down() - 4) + eps[k] * a.up();
            assertThat((double) out[k]).isCloseTo(expected, within(1e-5));
        }
    }

    @Test
    void lcmRenoisesTheDenoisedPredictionWithStepNoise() {
        float[] sigmas = {4f, 1.5f, 0f};
        float[] out = run("lcm", sigmas, START, 7);
        float[] eps;
        try (TensorScope ignored = TensorScope.open()) {
            eps = Noise.prepare(7, new long[]{1, START.length}, null).toFloatArray();
        }
        for (int k = 0; k < START.length; k++) {
            double x = MODEL.denoise(START[k], 4) + 1.5 * eps[k];
            assertThat((double) out[k]).isCloseTo(MODEL.denoise(x, 1.5), within(1e-5));
        }
    }

    @Test
    void eulerAncestralOutputHasTheVarianceOfItsRecursion() {
        // x' - mean = a (x - mean) + up * eps with a = 1 + (1 - c)(down - sigma)/sigma, c = std^2/(std^2 + sigma^2)
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 30);
        double variance = 0.25 + sigmas[0] * (double) sigmas[0];
        for (int i = 0; i < sigmas.length - 1; i++) {
            AncestralStep a = AncestralStep.of(sigmas[i], sigmas[i + 1], 1);
            double c = 0.25 / (0.25 + sigmas[i] * (double) sigmas[i]);
            if (a.down() == 0) {
                variance *= c * c;
            } else {
                double gain = 1 + (1 - c) * (a.down() - sigmas[i]) / sigmas[i];
                variance = gain * gain * variance + a.up() * a.up();
            }
        }
        double[] moments = sampleMoments("euler_ancestral", sigmas, 200_000);
        assertThat(moments[0]).isCloseTo(0.3, within(0.01));
        assertThat(moments[1]).isCloseTo(Math.sqrt(variance), within(0.01 * Math.sqrt(variance)));
    }

    @Test
    void ancestralSamplersApproachTheDataDistributionWithManySteps() {
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 200);
        for (String name : List.of("euler_ancestral", "dpm_2_ancestral", "dpmpp_2s_ancestral", "ddpm")) {
            double[] moments = sampleMoments(name, sigmas, 20_000);
            assertThat(moments[0]).as(name + " mean").isCloseTo(0.3, within(0.02));
            assertThat(moments[1]).as(name + " std").isCloseTo(0.5, within(0.03));
        }
    }

    /** Mean and standard deviation of n samples started from N(mean, std^2 + sigma0^2). */
    private static double[] sampleMoments(String name, float[] sigmas, int n) {
        try (TensorScope ignored = TensorScope.open(); SamplingContext ctx = SamplingContext.of(11)) {
            Tensor noise = Noise.prepare(3, new long[]{1, n}, null);
            Tensor x = noise.mul(Math.sqrt(0.25 + sigmas[0] * (double) sigmas[0])).add(0.3);
            Tensor out = Samplers.byName(name).sample(MODEL, x, sigmas, ctx);
            return new double[]{out.mean().item(), out.std(true).item()};
        }
    }

    @Test
    void everyStepIsReportedOnceAndInterruptsStopBetweenSteps() {
        float[] sigmas = Schedulers.byName("normal").sigmas(SD15, 5);
        for (String name : Samplers.implemented()) {
            if (OWN_STEP_COUNT.contains(name)) continue; // SamplersMoreTest checks their callbacks
            List<Integer> seen = new ArrayList<>();
            try (TensorScope ignored = TensorScope.open();
                    SamplingContext ctx = new SamplingContext(1, (i, total, x, d) -> {
                        assertThat(total).isEqualTo(5);
                        seen.add(i);
                    }, () -> {}).withModelSampling(SD15)) {
                Samplers.byName(name).sample(MODEL, Tensor.fromFloats(START, 1, START.length), sigmas, ctx);
            }
            assertThat(seen).as(name).containsExactly(0, 1, 2, 3, 4);
        }
        int[] calls = {0};
        try (TensorScope ignored = TensorScope.open();
                SamplingContext ctx = new SamplingContext(1, StepListener.NONE, () -> {
                    if (++calls[0] == 3) throw new IllegalStateException("interrupted");
                })) {
            assertThatThrownBy(() -> Samplers.byName("euler").sample(MODEL, Tensor.fromFloats(START, 1, START.length), sigmas, ctx))
                    .hasMessage("interrupted");
        }
        assertThat(calls[0]).isEqualTo(3);
    }

    @Test
    void memoryStaysFlatAcrossSteps() {
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 40);
        for (String name : Samplers.implemented()) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = Tensor.fromFloats(START, 1, START.length);
                Tensor out;
                try (SamplingContext ctx = SamplingContext.of(5).withModelSampling(SD15)) {
                    out = Samplers.byName(name).sample(MODEL, x, sigmas, ctx);
                }
                assertThat(out.isClosed()).isFalse();
                assertThat(x.isClosed()).isFalse();
                assertThat(scope.size()).as(name + " live tensors after the run").isLessThanOrEqualTo(2);
            }
        }
    }

    private static double samplersLmsCoefficient(float[] t, int order, int i, int j) {
        return dev.comfy4j.sampling.samplers.LmsCoefficients.of(t, order, i, j);
    }

    private static double odeError(String name, int steps) {
        float[] sigmas = SigmaSelection.calculate(SD15, name, Schedulers.byName("karras"), steps);
        float[] out = run(name, sigmas, START);
        // dpm_fast ends at the last sigma above 0
        double end = OWN_STEP_COUNT.contains(name) ? sigmas[sigmas.length - 2] : 0;
        double worst = 0;
        for (int k = 0; k < START.length; k++) worst = Math.max(worst, Math.abs(out[k] - MODEL.exact(START[k], sigmas[0], end)));
        return worst;
    }

    private static float[] run(String name, float[] sigmas, float[] start) {
        return run(name, sigmas, start, 0);
    }

    private static float[] run(String name, float[] sigmas, float[] start, long seed) {
        try (TensorScope ignored = TensorScope.open(); SamplingContext ctx = SamplingContext.of(seed).withModelSampling(SD15)) {
            return Samplers.byName(name).sample(MODEL, Tensor.fromFloats(start, 1, start.length), sigmas, ctx).toFloatArray();
        }
    }
}
