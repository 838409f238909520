package dev.comfy4j.nodes.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.ProcessingInterrupted;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.DiscreteModelSampling;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.SamplingCond;
import dev.comfy4j.sampling.Schedulers;
import dev.comfy4j.sampling.SigmaSelection;
import dev.comfy4j.sampling.samplers.EulerAncestral;
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

/**
 * The custom-sampling nodes on a model whose guided prediction is a known constant per context, and the
 * SIGMAS nodes against k-diffusion's formulas and Python's slicing.
 */
class CustomSamplingNodesTest {
    private static final ModelSampling SD15 = DiscreteModelSampling.sd15();
    private static final double SCALE = 0.18215;

    /** D is the mean of the positive context, guided against the negative's; the unconditional prediction is the negative's (absent: 0). */
    private static class ConstantModel implements GuidedModel {
        int closed;
        final List<Double> sigmas = new ArrayList<>();

        @Override public ModelSampling modelSampling() { return SD15; }
        @Override public dev.comfy4j.model.LatentFormat latentFormat() { return dev.comfy4j.model.LatentFormat.SD15; }
        @Override public double latentScaleFactor() { return SCALE; }

        @Override
        public Denoiser guided(Tensor positive, Tensor negative, double cfg) {
            double p = positive.mean().item();
            double n = negative == null ? 0 : negative.mean().item();
            double d = negative == null ? p : n + (p - n) * cfg;
            double u = n;
            return new Denoiser() {
                @Override
                public Tensor denoise(Tensor x, double sigma) {
                    sigmas.add(sigma);
                    return x.mul(0).add(d);
                }

                @Override
                public Guided denoiseGuided(Tensor x, double sigma) {
                    return new Guided(denoise(x, sigma), x.mul(0).add(u));
                }
            };
        }

        @Override
        public CondPredictions condPredictions(List<List<SamplingCond>> sides, long[] latentShape) {
            return constantPredictions(sides, sigmas);
        }

        @Override public void close() { closed++; }
    }

    /** Each side predicts its conditioning tensor's mean everywhere; an absent side (-1) predicts 0. */
    private static GuidedModel.CondPredictions constantPredictions(List<List<SamplingCond>> sides, List<Double> sigmas) {
        return (x, sigma, order) -> {
            sigmas.add(sigma);
            List<Tensor> out = new ArrayList<>();
            for (int i : order) out.add(x.mul(0).add(i < 0 ? 0 : sides.get(i).get(0).crossAttn().mean().item()));
            return out;
        };
    }

    private static Conditioning cond(double v) {
        return Conditioning.of(Tensor.full(v, DType.F32, 1, 2, 3), Map.of());
    }

    private static Object run(Node node, Map<String, Object> in, int output) throws Exception {
        return node.execute(NodeInputs.of(in), new RecordingContext(done -> false)).values().get(output);
    }

    @Test
    void samplerCustomRunsTheGivenSigmasAndReturnsTheLastDenoisedPrediction() throws Exception {
        ConstantModel model = new ConstantModel();
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 3);
        RecordingContext context = new RecordingContext(done -> false);
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("model", model);
            in.put("add_noise", true);
            in.put("noise_seed", BigInteger.valueOf(5));
            in.put("cfg", 2.0);
            in.put("positive", cond(0.3));
            in.put("negative", cond(0.1));
            in.put("sampler", new KSamplerSelect().execute(NodeInputs.of(Map.of("sampler_name", "euler")), context).values().get(0));
            in.put("sigmas", new Sigmas(sigmas));
            in.put("latent_image", Latent.of(Tensor.zeros(DType.F32, 1, 4, 2, 2)));
            var values = new SamplerCustom(m -> model).execute(NodeInputs.of(in), context).values();
            Latent out = (Latent) values.get(0);
            Latent denoised = (Latent) values.get(1);
            // Euler from noise * sqrt(1 + sigma0^2) down to 0 against the constant D = 0.1 + 0.2 * 2 = 0.5
            float[] noise = Noise.prepare(5, new long[]{1, 4, 2, 2}, null).toFloatArray();
            float[] got = out.samples().toFloatArray();
            for (int i = 0; i < noise.length; i++) {
                double x = noise[i] * Math.sqrt(1 + sigmas[0] * (double) sigmas[0]);
                for (int k = 0; k < 3; k++) x = x + (x - 0.5) / sigmas[k] * (sigmas[k + 1] - sigmas[k]);
                assertThat((double) got[i]).isCloseTo(x / SCALE, within(1e-4));
            }
            for (float v : denoised.samples().toFloatArray()) assertThat((double) v).isCloseTo(0.5 / SCALE, within(1e-4));
        }
        assertThat(context.progress).containsExactly("1/3", "2/3", "3/3");
        assertThat(model.sigmas).hasSize(3);
        assertThat(model.closed).isEqualTo(1);
    }

    @Test
    void samplerCustomAdvancedUsesTheGuiderNoiseAndSampler() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            Object guider = run(new BasicGuider(), Map.of("model", model, "conditioning", cond(0.7)), 0);
            Object noise = run(new DisableNoise(), Map.of(), 0);
            Object sigmas = run(FormulaSchedulers.karras(), Map.of("steps", 2L, "sigma_max", 14.614642, "sigma_min", 0.0291675, "rho", 7.0), 0);
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("noise", noise);
            in.put("guider", guider);
            in.put("sampler", new SamplerChoice(new EulerAncestral(0.0, 1.0))); // eta 0: deterministic
            in.put("sigmas", sigmas);
            in.put("latent_image", Latent.of(Tensor.full(0.2, DType.F32, 1, 4, 2, 2)));
            Latent out = (Latent) new SamplerCustomAdvanced(m -> model).execute(NodeInputs.of(in), new RecordingContext(done -> false)).values().get(0);
            // no noise, a non-empty latent enters model space; the last step lands on D = 0.7
            for (float v : out.samples().toFloatArray()) assertThat((double) v).isCloseTo(0.7 / SCALE, within(1e-4));
        }
    }

    @Test
    void anInterruptStopsTheCustomSamplerAndReleasesTheModel() {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("noise", NoiseSource.random(BigInteger.ONE));
            in.put("guider", Guider.cfg(model, cond(0.3), cond(0.1), 7.0));
            in.put("sampler", new SamplerChoice(dev.comfy4j.sampling.Samplers.byName("dpmpp_2m")));
            in.put("sigmas", new Sigmas(Schedulers.byName("normal").sigmas(SD15, 8)));
            in.put("latent_image", Latent.of(Tensor.zeros(DType.F32, 1, 4, 2, 2)));
            RecordingContext context = new RecordingContext(done -> done == 2);
            assertThatThrownBy(() -> new SamplerCustomAdvanced(m -> model).execute(NodeInputs.of(in), context))
                    .isInstanceOf(ProcessingInterrupted.class);
            assertThat(model.closed).isEqualTo(1);
        }
    }

    @Test
    void dualCfgGuiderCombinesThreePredictions() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            for (String style : List.of("regular", "nested")) {
                Map<String, Object> in = new LinkedHashMap<>();
                in.put("model", model);
                in.put("cond1", cond(0.9));
                in.put("cond2", cond(0.4));
                in.put("negative", cond(0.1));
                in.put("cfg_conds", 3.0);
                in.put("cfg_cond2_negative", 2.0);
                in.put("style", style);
                Guider g = (Guider) run(new DualCFGGuider(), in, 0);
                double d = g.denoiser(model, new long[]{1, 4, 1, 1}).denoise(Tensor.zeros(DType.F32, 1, 1), 1.0).item();
                double text = 0.4 + 3.0 * (0.9 - 0.4);
                double expected = "nested".equals(style) ? 0.1 + 2.0 * (text - 0.1) : 0.1 + 2.0 * (0.4 - 0.1) + 3.0 * (0.9 - 0.4);
                assertThat(d).as(style).isCloseTo(expected, within(1e-6));
            }
        }
    }

    @Test
    void perpNegGuiderKeepsOnlyTheNegativePartPerpendicularToThePositive() throws Exception {
        List<List<Integer>> orders = new ArrayList<>();
        // each side predicts its own two-element vector
        GuidedModel vectors = new ConstantModel() {
            @Override
            public CondPredictions condPredictions(List<List<SamplingCond>> sides, long[] latentShape) {
                return (x, sigma, order) -> {
                    orders.add(java.util.Arrays.stream(order).boxed().toList());
                    List<Tensor> out = new ArrayList<>();
                    for (int i : order) out.add(i < 0 ? x.mul(0) : sides.get(i).get(0).crossAttn().reshape(x.shape()));
                    return out;
                };
            }
        };
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("model", vectors);
            in.put("positive", vectorCond(2.0f, 1.0f));
            in.put("negative", vectorCond(1.0f, 3.0f));
            in.put("empty_conditioning", vectorCond(0.5f, 0.5f));
            in.put("cfg", 4.0);
            in.put("neg_scale", 0.7);
            Guider g = (Guider) run(new PerpNegGuider(), in, 0);
            float[] got = g.denoiser(vectors, new long[]{1, 2, 1, 1}).denoise(Tensor.zeros(DType.F32, 1, 2), 1.0).toFloatArray();
            double[] pos = {1.5, 0.5};
            double[] neg = {0.5, 2.5};
            double projection = (neg[0] * pos[0] + neg[1] * pos[1]) / (pos[0] * pos[0] + pos[1] * pos[1]);
            for (int k = 0; k < 2; k++) {
                double perp = neg[k] - projection * pos[k];
                assertThat((double) got[k]).isCloseTo(0.5 + 4.0 * (pos[k] - 0.7 * perp), within(1e-5));
            }
            // calc_cond_batch([positive, negative, empty]) over the guider's conds (positive, empty, negative)
            assertThat(orders.getLast()).containsExactly(0, 2, 1);
            in.put("neg_scale", 0.0);
            in.put("cfg", 1.0);
            g = (Guider) run(new PerpNegGuider(), in, 0);
            got = g.denoiser(vectors, new long[]{1, 2, 1, 1}).denoise(Tensor.zeros(DType.F32, 1, 2), 1.0).toFloatArray();
            assertThat(orders.getLast()).as("neg_scale 0 and cfg 1 drop the negative and the empty prompt").containsExactly(0, -1, -1);
            assertThat(got).containsExactly(2.0f, 1.0f);
        }
    }

    @Test
    void basicGuiderPredictsTheConditioningAloneAndCfgPpSeesAZeroUnconditional() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            Guider g = (Guider) run(new BasicGuider(), new LinkedHashMap<>(Map.of("model", model, "conditioning", cond(0.6))), 0);
            Denoiser d = g.denoiser(model, new long[]{1, 4, 1, 1});
            assertThat(d.denoise(Tensor.zeros(DType.F32, 1, 1), 1.0).item()).isCloseTo(0.6, within(1e-6));
            Denoiser.Guided guided = d.denoiseGuided(Tensor.zeros(DType.F32, 1, 1), 1.0);
            assertThat(guided.uncond().item()).isZero();
        }
    }

    private static Conditioning vectorCond(float a, float b) {
        return Conditioning.of(Tensor.fromFloats(new float[]{a, b}, 1, 1, 2), Map.of());
    }

    @Test
    void addNoiseScalesTheNoiseByTheSigmaSpan() throws Exception {
        ConstantModel model = new ConstantModel();
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("model", model);
            in.put("noise", NoiseSource.random(BigInteger.valueOf(9)));
            in.put("sigmas", new Sigmas(new float[]{6f, 2f}));
            in.put("latent_image", Latent.of(Tensor.full(0.5, DType.F32, 1, 4, 2, 2)));
            Latent out = (Latent) run(new AddNoise(m -> model), in, 0);
            float[] noise = Noise.prepare(9, new long[]{1, 4, 2, 2}, null).toFloatArray();
            float[] got = out.samples().toFloatArray();
            for (int i = 0; i < got.length; i++) assertThat((double) got[i]).isCloseTo((0.5 * SCALE + 4 * noise[i]) / SCALE, within(1e-4));
        }
    }

    @Test
    void basicSchedulerAppliesDenoiseWithoutTheDiscardRule() throws Exception {
        ConstantModel model = new ConstantModel();
        Map<String, Object> in = new LinkedHashMap<>(Map.of("model", model, "scheduler", "karras", "steps", 4L, "denoise", 0.5));
        float[] got = ((Sigmas) run(new BasicScheduler(m -> model), in, 0)).values();
        float[] full = Schedulers.byName("karras").sigmas(SD15, 8);
        assertThat(got).containsExactly(java.util.Arrays.copyOfRange(full, 4, 9));
        in.put("denoise", 0.0);
        assertThat(((Sigmas) run(new BasicScheduler(m -> model), in, 0)).length()).isZero();
        // the same as KSampler's selection for a sampler without the discard rule
        in.put("denoise", 1.0);
        assertThat(((Sigmas) run(new BasicScheduler(m -> model), in, 0)).values())
                .containsExactly(SigmaSelection.forDenoise(SD15, "euler", Schedulers.byName("karras"), 4, 1.0));
    }

    @Test
    void formulaSchedulersFollowKDiffusion() throws Exception {
        float[] karras = ((Sigmas) run(FormulaSchedulers.karras(),
                Map.of("steps", 20L, "sigma_max", SD15.sigmaMax(), "sigma_min", SD15.sigmaMin(), "rho", 7.0), 0)).values();
        assertThat(karras).containsExactly(Schedulers.byName("karras").sigmas(SD15, 20));
        float[] poly = ((Sigmas) run(FormulaSchedulers.polyexponential(),
                Map.of("steps", 5L, "sigma_max", 10.0, "sigma_min", 0.1, "rho", 1.0), 0)).values();
        float[] exp = ((Sigmas) run(FormulaSchedulers.exponential(), Map.of("steps", 5L, "sigma_max", 10.0, "sigma_min", 0.1), 0)).values();
        for (int i = 0; i < exp.length; i++) assertThat(poly[i]).isCloseTo(exp[i], within(1e-5f)); // rho 1 is exponential
        assertThat(exp[0]).isCloseTo(10f, within(1e-5f));
        assertThat(exp[4]).isCloseTo(0.1f, within(1e-6f));
        float[] laplace = ((Sigmas) run(FormulaSchedulers.laplace(),
                Map.of("steps", 4L, "sigma_max", 14.6, "sigma_min", 0.03, "mu", 0.0, "beta", 0.5), 0)).values();
        assertThat(laplace).hasSize(4); // no trailing 0
        // x = 0: lmb = -0.5 * ln(1e-5) > ln(14.6), clamped; x = 1/3: lmb = -0.5 ln(1 - 1/3 + 1e-5)
        assertThat(laplace[0]).isCloseTo(14.6f, within(1e-5f));
        assertThat((double) laplace[1]).isCloseTo(Math.exp(-0.5 * Math.log(1 - 2 * (0.5 - 1 / 3.0) + 1e-5)), within(1e-5));
        float[] vp = ((Sigmas) run(FormulaSchedulers.vp(), Map.of("steps", 3L, "beta_d", 19.9, "beta_min", 0.1, "eps_s", 0.001), 0)).values();
        assertThat((double) vp[0]).isCloseTo(Math.sqrt(Math.expm1(19.9 / 2 + 0.1)), within(1e-3));
        assertThat(vp[3]).isZero();
    }

    @Test
    void sdTurboAndAlignYourStepsSchedules() throws Exception {
        ConstantModel model = new ConstantModel();
        float[] turbo = ((Sigmas) run(new SDTurboScheduler(m -> model), Map.of("model", model, "steps", 2L, "denoise", 0.5), 0)).values();
        // start 10 - int(5) = 5: timesteps 499, 399
        assertThat((double) turbo[0]).isCloseTo(SD15.sigmas()[499], within(1e-6));
        assertThat((double) turbo[1]).isCloseTo(SD15.sigmas()[399], within(1e-6));
        assertThat(turbo[2]).isZero();
        float[] ays = AlignYourStepsScheduler.sigmas("SD1", 10, 1.0);
        assertThat(ays).hasSize(11);
        assertThat(ays[0]).isEqualTo((float) 14.6146412293);
        assertThat(ays[10]).isZero();
        float[] ays5 = AlignYourStepsScheduler.sigmas("SD1", 5, 1.0);
        // 6 points log-linearly between the 11 levels: the 3rd is at position 4 of 10 (reversed), exactly 1.8841921177's index 4
        assertThat((double) ays5[2]).isCloseTo(1.8841921177, within(1e-6));
        assertThat(AlignYourStepsScheduler.sigmas("SDXL", 10, 0.5)).hasSize(6);
    }

    @Test
    void sigmaEditingFollowsPythonSlicing() throws Exception {
        Sigmas s = new Sigmas(new float[]{10f, 5f, 2f, 1f, 0f});
        var split = new SigmaNodes.Split().execute(NodeInputs.of(Map.of("sigmas", s, "step", 2L)), new RecordingContext(done -> false)).values();
        assertThat(((Sigmas) split.get(0)).values()).containsExactly(10f, 5f, 2f);
        assertThat(((Sigmas) split.get(1)).values()).containsExactly(2f, 1f, 0f);
        var denoise = new SigmaNodes.SplitDenoise().execute(NodeInputs.of(Map.of("sigmas", s, "denoise", 0.5)), new RecordingContext(done -> false)).values();
        assertThat(((Sigmas) denoise.get(0)).values()).containsExactly(10f, 5f, 2f);
        assertThat(((Sigmas) denoise.get(1)).values()).containsExactly(2f, 1f, 0f);
        var zero = new SigmaNodes.SplitDenoise().execute(NodeInputs.of(Map.of("sigmas", s, "denoise", 0.0)), new RecordingContext(done -> false)).values();
        assertThat(((Sigmas) zero.get(0)).length()).as("[:-0] is empty in Python").isZero();
        assertThat(((Sigmas) zero.get(1)).values()).containsExactly(0f);
        assertThat(((Sigmas) run(new SigmaNodes.Flip(), Map.of("sigmas", s), 0)).values()).containsExactly(0.0001f, 1f, 2f, 5f, 10f);
        assertThat(((Sigmas) run(new SigmaNodes.SetFirst(), Map.of("sigmas", s, "sigma", 136.0), 0)).values()).containsExactly(136f, 5f, 2f, 1f, 0f);
        float[] extended = ((Sigmas) run(new SigmaNodes.Extend(),
                Map.of("sigmas", s, "steps", 2L, "start_at_sigma", -1.0, "end_at_sigma", 2.0, "spacing", "linear"), 0)).values();
        assertThat(extended).containsExactly(10f, 7.5f, 5f, 3.5f, 2f, 1.5f, 1f, 0f);
        assertThatThrownBy(() -> run(new SigmaNodes.Flip(), Map.of("sigmas", "nope"), 0)).hasMessageContaining("SIGMAS");
    }

    @Test
    void samplerOptionNodesBuildTheirSamplers() throws Exception {
        SamplerChoice erSde = (SamplerChoice) run(SamplerOptionNode.erSde(),
                Map.of("solver_type", "ODE", "max_stage", 3L, "eta", 1.0, "s_noise", 1.0), 0);
        assertThat(erSde.sampler().name()).isEqualTo("er_sde");
        SamplerChoice sde = (SamplerChoice) run(SamplerOptionNode.dpmpp2mSde(),
                Map.of("solver_type", "heun", "eta", 1.0, "s_noise", 1.0, "noise_device", "cpu"), 0);
        assertThat(sde.sampler().name()).isEqualTo("dpmpp_2m_sde");
        SamplerChoice gpu = (SamplerChoice) run(SamplerOptionNode.dpmpp3mSde(), Map.of("eta", 1.0, "s_noise", 1.0, "noise_device", "gpu"), 0);
        assertThat(gpu.sampler().name()).isEqualTo("dpmpp_3m_sde_gpu");
        assertThat(((SamplerChoice) run(new KSamplerSelect(), Map.of("sampler_name", "sa_solver_pece"), 0)).sampler().name())
                .isEqualTo("sa_solver_pece");
        // an ODE er_sde draws no noise: two seeds give the same result on a Gaussian denoiser
        Denoiser gaussian = (x, sigma) -> x.mul(0.25 / (0.25 + sigma * sigma));
        float[] sigmas = Schedulers.byName("karras").sigmas(SD15, 6);
        try (TensorScope ignored = TensorScope.open();
                var a = dev.comfy4j.sampling.SamplingContext.of(1);
                var b = dev.comfy4j.sampling.SamplingContext.of(2)) {
            Tensor x = Tensor.full(1.0, DType.F32, 1, 8);
            float[] r1 = erSde.sampler().sample(gaussian, x, sigmas, a).toFloatArray();
            float[] r2 = erSde.sampler().sample(gaussian, x, sigmas, b).toFloatArray();
            assertThat(r1).containsExactly(r2);
        }
    }

}
