package dev.comfy4j.nodes.modelpatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.options.CfgFunction;
import dev.comfy4j.model.options.DenoiseMaskFunction;
import dev.comfy4j.model.options.DiscreteParameterisation;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.unet.ControlResiduals;
import dev.comfy4j.model.options.PreCfgFunction;
import dev.comfy4j.model.options.RunState;
import dev.comfy4j.model.unet.AreaCond;
import dev.comfy4j.model.unet.CfgDenoiser;
import dev.comfy4j.model.unet.ConditionedModel;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CfgDenoiser under model options, on a fake model whose prediction is {@code x * mean(context)} (halved when
 * the middle block's self-attention is replaced, as PerturbedAttentionGuidance asks): the order pre-CFG,
 * CFG function, post-CFG; the cfg-1 shortcut and its disabling; PAG's second positive pass; and
 * DifferentialDiffusion's mask against the threshold computed by hand.
 */
class GuidanceOptionsTest {
    /** Records which sides each call ran. */
    private static final class FakeModel implements ConditionedModel {
        final List<List<Integer>> calls = new ArrayList<>();

        @Override
        public Tensor applyModel(Tensor x, Tensor sigma, Tensor context) {
            long b = x.size(0);
            return x.mul(context.mean(new long[] {1, 2}, false).reshape(b, 1, 1, 1));
        }

        @Override
        public Tensor applyModel(Tensor x, Tensor sigma, Tensor context, ControlResiduals control, ModelOptions options,
                List<Integer> condOrUncond) {
            calls.add(condOrUncond);
            Tensor out = applyModel(x, sigma, context);
            return options.transformerPatches().attn1Replace().isEmpty() ? out : out.mul(0.5);
        }

        @Override
        public double memoryRequired(long[] shape) {
            return 0;
        }
    }

    private static final float[] X = {1f, -2f, 0.5f, 3f};

    private static CfgDenoiser.Result guide(FakeModel model, double cfg, ModelOptions options) {
        Tensor x = Tensor.fromFloats(X, 1, 1, 2, 2);
        Tensor pos = Tensor.full(2.0, DType.F32, 1, 3, 4);
        Tensor neg = Tensor.full(1.0, DType.F32, 1, 3, 4);
        return new CfgDenoiser(() -> Long.MAX_VALUE).guide(model, x, Tensor.fromFloats(new float[] {1.5f}, 1),
                List.of(AreaCond.whole(pos)), List.of(AreaCond.whole(neg)), cfg, true, options, new RunState());
    }

    /** Swaps the two predictions. */
    record Swap() implements PreCfgFunction {
        @Override
        public List<Tensor> apply(Args a) {
            return List.of(a.condsOut().get(1), a.condsOut().get(0));
        }
    }

    /** Guided noise = the negative's noise: the result is the negative prediction. */
    record NegativeOnly() implements CfgFunction {
        @Override
        public Tensor apply(Args a) {
            return a.uncond();
        }
    }

    @Test
    void preCfgThenCfgFunctionThenPostCfgInThatOrder() {
        try (TensorScope ignored = TensorScope.open()) {
            // cond = 2x, uncond = x; swapped: cond' = x, uncond' = 2x; the CFG function keeps uncond' = 2x;
            // Epsilon Scaling 2: x - (x - 2x) / 2 = 1.5x
            ModelOptions options = ModelOptions.NONE.withPreCfgFunction(new Swap(), false).withCfgFunction(new NegativeOnly(), false)
                    .withPostCfgFunction(new CfgPostFunctions.EpsilonScaling(2.0), false);
            float[] got = guide(new FakeModel(), 7.0, options).denoised().toFloatArray();
            for (int i = 0; i < X.length; i++) assertThat(got[i]).isCloseTo(1.5f * X[i], within(1e-6f));
            // without options: uncond + (cond - uncond) * 7 = x + 7x
            float[] plain = guide(new FakeModel(), 7.0, ModelOptions.NONE).denoised().toFloatArray();
            for (int i = 0; i < X.length; i++) assertThat(plain[i]).isCloseTo(8f * X[i], within(1e-6f));
        }
    }

    @Test
    void pagRunsThePositiveAgainWithTheMiddleSelfAttentionReplacedAndEvaluatesTheNegativeAtCfgOne() {
        try (TensorScope ignored = TensorScope.open()) {
            FakeModel model = new FakeModel();
            ModelOptions options = ModelOptions.NONE.withPostCfgFunction(new PerturbedAttentionGuidance.Function(3.0), true);
            float[] got = guide(model, 1.0, options).denoised().toFloatArray();
            // cfg 1: cond = 2x; pag = 0.5 * 2x = x; result 2x + (2x - x) * 3 = 5x
            for (int i = 0; i < X.length; i++) assertThat(got[i]).isCloseTo(5f * X[i], within(1e-6f));
            // the negative ran with the positive (the cfg-1 shortcut is off), then the positive alone, perturbed
            assertThat(model.calls).containsExactly(List.of(1, 0), List.of(0));

            FakeModel shortcut = new FakeModel();
            guide(shortcut, 1.0, ModelOptions.NONE.withPostCfgFunction(new CfgPostFunctions.EpsilonScaling(1.0), false));
            assertThat(shortcut.calls).containsExactly(List.of(0));
        }
    }

    @Test
    void differentialDiffusionThresholdsTheMaskByTheStepsPlaceInTheRun() {
        DiscreteParameterisation sampling = DiscreteParameterisation.of(DiscreteParameterisation.Kind.EPS, false);
        float[] table = sampling.sigmas();
        float[] run = {table[999], table[600], table[300], 0f};
        try (TensorScope ignored = TensorScope.open()) {
            Tensor mask = Tensor.fromFloats(new float[] {0.1f, 0.59f, 0.61f, 0.95f}, 1, 1, 2, 2);
            var context = new DenoiseMaskFunction.Context(run, sampling);
            // at table[600]: (600 - 0) / (999 - 0), the last sigma 0 being below sigma_min
            float threshold = 600f / 999f;
            float[] binary = new DifferentialDiffusion.MaskFunction(1.0).apply(table[600], mask, context).toFloatArray();
            float[] m = mask.toFloatArray();
            for (int i = 0; i < 4; i++) assertThat(binary[i]).isEqualTo(m[i] >= threshold ? 1f : 0f);
            assertThat(binary).containsExactly(0f, 0f, 1f, 1f);
            float[] soft = new DifferentialDiffusion.MaskFunction(0.25).apply(table[600], mask, context).toFloatArray();
            for (int i = 0; i < 4; i++) assertThat(soft[i]).isCloseTo(0.25f * binary[i] + 0.75f * m[i], within(1e-6f));
            // a run that ends above sigma_min measures to its own last sigma
            float[] partial = {table[800], table[500], table[200]};
            float[] mid = new DifferentialDiffusion.MaskFunction(1.0).apply(table[500], mask,
                    new DenoiseMaskFunction.Context(partial, sampling)).toFloatArray();
            float t = (500f - 200f) / (800f - 200f);
            for (int i = 0; i < 4; i++) assertThat(mid[i]).isEqualTo(m[i] >= t ? 1f : 0f);
        }
    }

    @Test
    void equalOptionsMakeEqualModelsAndTheIdentityNamesEveryParameter() {
        var base = new dev.comfy4j.model.sd.ModelHandle(null, java.nio.file.Path.of("model.safetensors"), "model.diffusion_model.", null,
                null);
        var a = base.withOptions(base.options().withCfgFunction(new RescaleCFG.Function(0.7), false));
        var b = base.withOptions(base.options().withCfgFunction(new RescaleCFG.Function(0.7), false));
        var c = base.withOptions(base.options().withCfgFunction(new RescaleCFG.Function(0.5), false));
        assertThat(a).isEqualTo(b).isNotEqualTo(c).isNotEqualTo(base);
        assertThat(a.identity()).isEqualTo(b.identity()).isNotEqualTo(c.identity()).contains("0.7");
        assertThat(base.identity()).isEqualTo(base.weightsIdentity());
        // the weights are the same: a patched model loads no second UNet
        assertThat(a.weightsIdentity()).isEqualTo(base.weightsIdentity());
        var sampled = base.withOptions(base.options().withModelSampling(DiscreteParameterisation.of(DiscreteParameterisation.Kind.LCM, true)));
        assertThat(sampled.identity()).contains("LCM").contains("zsnr");
        assertThat(sampled).isEqualTo(base.withOptions(base.options()
                .withModelSampling(DiscreteParameterisation.of(DiscreteParameterisation.Kind.LCM, true))));
    }
}
