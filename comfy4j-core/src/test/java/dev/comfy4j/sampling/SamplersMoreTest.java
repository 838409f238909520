package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.sampling.samplers.SamplerFormulas;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.sampling.samplers.EulerCfgPpAlternative;
import dev.comfy4j.sampling.samplers.LcmUpscale;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The samplers added for the full KSampler list, on exact Gaussian denoisers: CFG++ against hand
 * calculations with a distinct unconditional prediction, the stochastic ones against the data
 * distribution, single steps against their formulas with the seeded step noise, and the callbacks of
 * the samplers that choose their own steps.
 */
class SamplersMoreTest {
    private static final GaussianDenoiser MODEL = new GaussianDenoiser(0.3, 0.5);
    private static final ModelSampling SD15 = DiscreteModelSampling.sd15();
    private static final float[] START = {-2.5f, -1f, 0f, 0.4f, 1.7f, 3.2f};

    /** CFG over two Gaussian "conditionings" with different means: D = D_u + cfg (D_c - D_u). */
    private record GuidedGaussian(GaussianDenoiser cond, GaussianDenoiser uncond, double cfg) implements Denoiser {
        @Override
        public Tensor denoise(Tensor x, double sigma) {
            return denoiseGuided(x, sigma).denoised();
        }

        @Override
        public Guided denoiseGuided(Tensor x, double sigma) {
            Tensor u = uncond.denoise(x, sigma);
            Tensor c = cond.denoise(x, sigma);
            return new Guided(u.add(c.sub(u).mul(cfg)), u);
        }

        double denoise(double x, double sigma) {
            double u = uncond.denoise(x, sigma);
            return u + (cond.denoise(x, sigma) - u) * cfg;
        }
    }

    private static final GuidedGaussian GUIDED = new GuidedGaussian(new GaussianDenoiser(0.8, 0.5), new GaussianDenoiser(0.3, 0.6), 3.0);

    @Test
    void cfgPpSamplersEqualTheirBaseSamplerWithoutGuidance() {
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 9);
        String[][] pairs = {{"euler_cfg_pp", "euler"}, {"euler_ancestral_cfg_pp", "euler_ancestral"},
            {"dpmpp_2s_ancestral_cfg_pp", "dpmpp_2s_ancestral"}, {"dpmpp_2m_cfg_pp", "dpmpp_2m"},
            {"res_multistep_cfg_pp", "res_multistep"}, {"res_multistep_ancestral_cfg_pp", "res_multistep_ancestral"},
            {"gradient_estimation_cfg_pp", "gradient_estimation"}};
        for (String[] pair : pairs) {
            float[] a = run(pair[0], MODEL, sigmas, 4);
            float[] b = run(pair[1], MODEL, sigmas, 4);
            for (int k = 0; k < a.length; k++) assertThat(a[k]).as(pair[0]).isCloseTo(b[k], within(2e-5f));
        }
    }

    @Test
    void eulerCfgPpStepsFromTheGuidedPredictionAlongTheUnconditionalDirection() {
        float[] sigmas = {5f, 2f, 0.7f, 0f};
        float[] out = run("euler_cfg_pp", GUIDED, sigmas, 0);
        for (int k = 0; k < START.length; k++) {
            double x = START[k];
            for (int i = 0; i < 3; i++) {
                double s = sigmas[i];
                double d = GUIDED.denoise(x, s);
                x = sigmas[i + 1] == 0 ? d : d + sigmas[i + 1] * (x - GUIDED.uncond().denoise(x, s)) / s;
            }
            assertThat((double) out[k]).isCloseTo(x, within(1e-4));
        }
    }

    @Test
    void eulerCfgPpAlternativeAddsTheUnconditionalPredictionBackToTheEulerDerivative() {
        float[] sigmas = {5f, 2f, 0.7f, 0f};
        float[] out;
        try (TensorScope ignored = TensorScope.open(); SamplingContext ctx = SamplingContext.of(0).withModelSampling(SD15)) {
            out = new EulerCfgPpAlternative().sample(GUIDED, Tensor.fromFloats(START, 1, START.length), sigmas, ctx).toFloatArray();
        }
        for (int k = 0; k < START.length; k++) {
            double x = START[k];
            for (int i = 0; i < 3; i++) {
                double s = sigmas[i];
                double d = GUIDED.denoise(x, s);
                double derivative = (x - d + GUIDED.uncond().denoise(x, s) - d) / s;
                x = x + derivative * (sigmas[i + 1] - s);
            }
            assertThat((double) out[k]).isCloseTo(x, within(1e-4));
        }
    }

    @Test
    void lcmUpscaleEnlargesTheLatentByTheLinspaceRatiosAndRenoisesAtEachSigma() {
        LcmUpscale byDefault = new LcmUpscale(2.0, null, "nearest-exact");
        // 4 steps: max(5 // 2 + 1, 2) = 3 points of linspace(1, 2), the first dropped
        assertThat(byDefault.upscales(5)).containsExactly(1.5, 2.0);
        assertThat(new LcmUpscale(3.0, 1, "bilinear").upscales(5)).containsExactly(3.0);
        assertThat(new LcmUpscale(2.0, 100, "bilinear").upscales(3)).hasSize(3); // capped at len(sigmas) + 1 points
        Denoiser halves = (x, sigma) -> x.mul(0.5);
        try (TensorScope ignored = TensorScope.open(); SamplingContext ctx = SamplingContext.of(3).withModelSampling(SD15)) {
            Tensor out = byDefault.sample(halves, Tensor.full(1.0, DType.F32, 1, 4, 8, 8), new float[]{3f, 2f, 1f, 0.5f, 0f}, ctx);
            assertThat(out.shape()).containsExactly(1, 4, 16, 16);
        }
        // with no noise left to add (one step to 0) the result is the upscaled denoised latent
        try (TensorScope ignored = TensorScope.open(); SamplingContext ctx = SamplingContext.of(3).withModelSampling(SD15)) {
            Tensor out = new LcmUpscale(2.0, null, "nearest-exact").sample(halves, Tensor.full(1.0, DType.F32, 1, 4, 8, 8),
                    new float[]{3f, 0f}, ctx);
            assertThat(out.shape()).containsExactly(1, 4, 16, 16);
            assertThat(out.sub(0.5).abs().amax().item()).isZero();
        }
    }

    @Test
    void dpmpp2mCfgPpAndGradientEstimationCfgPpMatchTheirFormulas() {
        float[] sigmas = {5f, 2f, 0.7f, 0f};
        float[] dpm = run("dpmpp_2m_cfg_pp", GUIDED, sigmas, 0);
        float[] ge = run("gradient_estimation_cfg_pp", GUIDED, sigmas, 0);
        for (int k = 0; k < START.length; k++) {
            double x = START[k];
            double y = START[k];
            double oldUncond = Double.NaN;
            double oldD = Double.NaN;
            for (int i = 0; i < 3; i++) {
                double s = sigmas[i];
                double next = sigmas[i + 1];
                // dpmpp_2m_cfg_pp
                double d = GUIDED.denoise(x, s);
                double u = GUIDED.uncond().denoise(x, s);
                double h = Math.log(s) - Math.log(next);
                double mix = -Math.exp(-h) * u;
                if (i > 0 && next != 0) {
                    double r = (Math.log(sigmas[i - 1]) - Math.log(s)) / h;
                    mix -= Math.expm1(-h) / (2 * r) * (d - oldUncond);
                }
                x = d + mix + Math.exp(-h) * x;
                oldUncond = u;
                // gradient_estimation_cfg_pp, gamma 2
                double dy = GUIDED.denoise(y, s);
                double slope = (y - GUIDED.uncond().denoise(y, s)) / s;
                if (next == 0) {
                    y = dy;
                } else {
                    y = dy + slope * next;
                    if (i >= 1) y += (slope - oldD) * (next - s);
                }
                oldD = slope;
            }
            assertThat((double) dpm[k]).as("dpmpp_2m_cfg_pp").isCloseTo(x, within(1e-4));
            assertThat((double) ge[k]).as("gradient_estimation_cfg_pp").isCloseTo(y, within(1e-4));
        }
    }

    @Test
    void stochasticSamplersApproachTheDataDistribution() {
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 100);
        for (String name : List.of("euler_ancestral_cfg_pp", "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m_sde",
                "dpmpp_2m_sde_heun", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "res_multistep_ancestral", "res_multistep_ancestral_cfg_pp",
                "er_sde", "seeds_2", "seeds_3", "sa_solver", "sa_solver_pece")) {
            try (TensorScope ignored = TensorScope.open(); SamplingContext ctx = SamplingContext.of(11).withModelSampling(SD15)) {
                Tensor noise = Noise.prepare(3, new long[]{1, 4000}, null);
                Tensor x = noise.mul(Math.sqrt(0.25 + sigmas[0] * (double) sigmas[0])).add(0.3);
                Tensor out = Samplers.byName(name).sample(MODEL, x, sigmas, ctx);
                assertThat(out.mean().item()).as(name + " mean").isCloseTo(0.3, within(0.03));
                assertThat(out.std(true).item()).as(name + " std").isCloseTo(0.5, within(0.03));
            }
        }
    }

    @Test
    void firstStepsUseTheSeededStepNoiseAsTheirFormulasSay() {
        float[] sigmas = {4f, 1.5f};
        float[] eps;
        try (TensorScope ignored = TensorScope.open()) {
            eps = Noise.prepare(42, new long[]{1, START.length}, null).toFloatArray();
        }
        float[] ancestral = run("res_multistep_ancestral", MODEL, sigmas, 42);
        float[] erSde = run("er_sde", MODEL, sigmas, 42);
        AncestralStep a = AncestralStep.of(4, 1.5, 1);
        double r = scaler(1.5) / scaler(4);
        for (int k = 0; k < START.length; k++) {
            double x = START[k];
            double d = MODEL.denoise(x, 4);
            assertThat((double) ancestral[k]).isCloseTo(x + (x - d) / 4 * (a.down() - 4) + eps[k] * a.up(), within(1e-5));
            assertThat((double) erSde[k]).isCloseTo(r * x + (1 - r) * d + eps[k] * Math.sqrt(1.5 * 1.5 - 16 * r * r), within(1e-5));
        }
    }

    private static double scaler(double x) {
        return x * (Math.exp(Math.pow(x, 0.3)) + 10);
    }

    @Test
    void dpmFastReportsOneStepPerSolverStepAgainstTheScheduleLength() {
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 10); // nfe 10: m = 4 steps, orders 3, 3, 3, 1
        List<Integer> seen = new ArrayList<>();
        int[] evaluations = {0};
        Denoiser counting = (x, sigma) -> {
            evaluations[0]++;
            return MODEL.denoise(x, sigma);
        };
        try (TensorScope ignored = TensorScope.open();
                SamplingContext ctx = new SamplingContext(0, (i, total, x, d) -> {
                    assertThat(total).isEqualTo(10);
                    seen.add(i);
                }, () -> {})) {
            Samplers.byName("dpm_fast").sample(counting, Tensor.fromFloats(START, 1, START.length), sigmas, ctx);
        }
        assertThat(seen).containsExactly(0, 1, 2, 3);
        assertThat(evaluations[0]).isEqualTo(10);
    }

    @Test
    void dpmAdaptiveReachesSigmaMinAccuratelyAndClampsItsProgress() {
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 4);
        List<Integer> seen = new ArrayList<>();
        float[] out;
        try (TensorScope ignored = TensorScope.open();
                SamplingContext ctx = new SamplingContext(0, (i, total, x, d) -> {
                    assertThat(total).isEqualTo(4);
                    seen.add(i);
                }, () -> {})) {
            out = Samplers.byName("dpm_adaptive").sample(MODEL, Tensor.fromFloats(START, 1, START.length), sigmas, ctx).toFloatArray();
        }
        for (int k = 0; k < START.length; k++) {
            assertThat((double) out[k]).isCloseTo(MODEL.exact(START[k], sigmas[0], sigmas[3]), within(2e-3));
        }
        assertThat(seen.size()).isGreaterThan(4);
        assertThat(seen).allMatch(i -> i >= 0 && i <= 3);
    }

    @Test
    void ipndmVWithEqualStepsHasAdamsBashforthCoefficients() {
        float[] t = {10f, 9f, 8f, 7f, 6f, 5f};
        assertThat(SamplerFormulas.ipndmV(t, 1, 2)).containsExactly(new double[]{1.5, -0.5}, within(1e-12));
        assertThat(SamplerFormulas.ipndmV(t, 2, 3)).containsExactly(new double[]{23 / 12.0, -16 / 12.0, 5 / 12.0}, within(1e-12));
        // order 4 is diff-sampler's formula, which on equal steps is not Adams-Bashforth's 55/24: 3/2 + 5/12 + 11/24
        double[] c4 = SamplerFormulas.ipndmV(t, 3, 4);
        assertThat(c4[0]).isCloseTo(57 / 24.0, within(1e-12));
        assertThat(c4[0] + c4[1] + c4[2] + c4[3]).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void saSolverCoefficientsIntegrateTheExponentialWeightExactly() {
        // the Lagrange basis sums to 1, so the b's sum to alpha_t (1 - e^(-(1 + tau^2) h)) for every order and tau
        double lambdaS = -Math.log(3.0);
        double lambdaT = -Math.log(2.0);
        double[] lambdas = {-Math.log(8.0), -Math.log(5.0), lambdaS};
        for (double tau : new double[]{0, 1}) {
            for (int order = 1; order <= 3; order++) {
                double[] curr = java.util.Arrays.copyOfRange(lambdas, 3 - order, 3);
                double[] b = SamplerFormulas.saSolverB(2.0, curr, lambdaS, lambdaT, tau);
                double sum = 0;
                for (double v : b) sum += v;
                double tauMul = 1 + tau * tau;
                assertThat(sum).isCloseTo(-Math.expm1(-tauMul * (lambdaT - lambdaS)), within(1e-12));
                // and integrate x exactly: sum b_k lambda_k = (1+tau^2) * integral of e^((1+tau^2)(l - lt)) l dl
                if (order >= 2) {
                    double weighted = 0;
                    for (int k = 0; k < order; k++) weighted += b[k] * curr[k];
                    double exact = lambdaT - lambdaS * Math.exp(-tauMul * (lambdaT - lambdaS)) + Math.expm1(-tauMul * (lambdaT - lambdaS)) / tauMul;
                    assertThat(weighted).isCloseTo(exact, within(1e-12));
                }
            }
        }
    }

    @Test
    void deisCoefficientsSumToTheSigmaStep() {
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 10);
        double[] c2 = SamplerFormulas.deis(sigmas, 1, 2);
        double[] c3 = SamplerFormulas.deis(sigmas, 4, 3);
        // the integrand is d sigma / d t, so for a constant derivative the move is the sigma step (up to the Riemann sum)
        double step1 = sigmas[2] - sigmas[1];
        assertThat(c2[0] + c2[1]).isCloseTo(step1, within(Math.abs(step1) * 1e-3));
        double step4 = sigmas[5] - sigmas[4];
        assertThat(c3[0] + c3[1] + c3[2]).isCloseTo(step4, within(Math.abs(step4) * 1e-3));
    }

    private static float[] run(String name, Denoiser model, float[] sigmas, long seed) {
        try (TensorScope ignored = TensorScope.open(); SamplingContext ctx = SamplingContext.of(seed).withModelSampling(SD15)) {
            return Samplers.byName(name).sample(model, Tensor.fromFloats(START, 1, START.length), sigmas, ctx).toFloatArray();
        }
    }
}
