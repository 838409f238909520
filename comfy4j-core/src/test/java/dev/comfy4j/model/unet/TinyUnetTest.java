package dev.comfy4j.model.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.Prediction;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UNet, the parameterisations and the CFG batching on tiny random checkpoints. */
class TinyUnetTest {
    @TempDir
    Path dir;

    private static Tensor randn(long seed, long... shape) {
        return Noise.prepare(seed, shape, null);
    }

    @Test
    void vPredictionDenoisedIsTheHandComputedParameterisationOnAnSd2Unet() throws Exception {
        try (TinyUnets.Opened m = TinyUnets.sd2(dir, DType.F16); TensorScope ignored = TensorScope.open()) {
            assertThat(m.architecture().family()).isEqualTo(ModelFamily.SD2);
            assertThat(m.architecture().unet().useLinearInTransformer()).isTrue();
            assertThat(AttentionHeads.forConfig(m.architecture().unet())).isEqualTo(AttentionHeads.fixedWidth(64));
            UNetModel unet = UNetModel.load(m.stateDict(), m.architecture().unetPrefix(), m.architecture().unet(),
                    WeightStorage.CAST_PER_CALL, Device.CPU);
            ModelSamplingDiscrete sampling = ModelSamplingDiscrete.of(Prediction.V_PREDICTION);
            try (DiffusionModel model = new DiffusionModel(unet, sampling, m.architecture().family())) {
                Tensor x = randn(1, 2, 4, 8, 8);
                Tensor context = randn(2, 2, 77, 48);
                float[] sigmas = {7.25f, 0.4f};
                Tensor sigma = Tensor.fromFloats(sigmas, 2);
                float[] denoised = model.applyModel(x, sigma, context).toFloatArray();

                // By hand: c_in = 1/sqrt(s^2+1); v = unet(c_in x, t); denoised = x/(s^2+1) - v s/sqrt(s^2+1).
                float[] xs = x.toFloatArray();
                float[] scaled = new float[xs.length];
                int per = xs.length / 2;
                for (int i = 0; i < xs.length; i++) {
                    double s = sigmas[i / per];
                    scaled[i] = (float) (xs[i] / Math.sqrt(s * s + 1));
                }
                float[] t = {sampling.timestep(sigmas[0]), sampling.timestep(sigmas[1])};
                assertThat(t[0]).isNotEqualTo(t[1]);
                float[] v = unet.forward(Tensor.fromFloats(scaled, 2, 4, 8, 8), Tensor.fromFloats(t, 2), context).toFloatArray();
                float[] expected = new float[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    double s = sigmas[i / per];
                    expected[i] = (float) (xs[i] / (s * s + 1) - v[i] * s / Math.sqrt(s * s + 1));
                }
                assertThat(RelativeL2.of(denoised, expected)).isLessThan(1e-6);
                // And it is not the eps formula.
                float[] asEps = new float[xs.length];
                for (int i = 0; i < xs.length; i++) asEps[i] = xs[i] - v[i] * sigmas[i / per];
                assertThat(RelativeL2.of(denoised, asEps)).isGreaterThan(1e-2);
            }
        }
    }

    @Test
    void epsDenoisedIsXMinusSigmaTimesTheUnetOutput() throws Exception {
        try (TinyUnets.Opened m = TinyUnets.sd1(dir, DType.F16); TensorScope ignored = TensorScope.open()) {
            assertThat(AttentionHeads.forConfig(m.architecture().unet())).isEqualTo(AttentionHeads.fixedCount(8));
            try (DiffusionModel model = new DiffusionModel(UNetModel.load(m.stateDict(), m.architecture().unetPrefix(),
                    m.architecture().unet(), WeightStorage.CAST_PER_CALL, Device.CPU), ModelSamplingDiscrete.of(Prediction.EPS),
                    m.architecture().family())) {
                Tensor x = randn(3, 1, 4, 16, 8);
                Tensor context = randn(4, 1, 77, 32);
                float sigma = 3.0f;
                float[] denoised = model.applyModel(x, Tensor.fromFloats(new float[]{sigma}, 1), context).toFloatArray();
                float[] xs = x.toFloatArray();
                float[] scaled = new float[xs.length];
                for (int i = 0; i < xs.length; i++) scaled[i] = (float) (xs[i] / Math.sqrt(10.0));
                int t = model.modelSampling().timestep(sigma);
                float[] eps = model.unet().forward(Tensor.fromFloats(scaled, 1, 4, 16, 8), Tensor.fromFloats(new float[]{t}, 1),
                        context).toFloatArray();
                float[] expected = new float[xs.length];
                for (int i = 0; i < xs.length; i++) expected[i] = xs[i] - eps[i] * sigma;
                assertThat(RelativeL2.of(denoised, expected)).isLessThan(1e-5);
            }
        }
    }

    @Test
    void channelsLastActivationsGiveTheNchwResult() throws Exception {
        // Batch 2 and a deepest level of 3x2 and 2x2 (odd sides included): where channels-last strides could be misread.
        for (boolean sd2 : new boolean[]{false, true}) {
            try (TinyUnets.Opened m = sd2 ? TinyUnets.sd2(dir, DType.F16) : TinyUnets.sd1(dir, DType.F16);
                    TensorScope ignored = TensorScope.open();
                    UNetModel unet = UNetModel.load(m.stateDict(), m.architecture().unetPrefix(), m.architecture().unet(),
                            WeightStorage.CAST_PER_CALL, Device.CPU)) {
                long ctx = m.architecture().unet().contextDim();
                Tensor t = Tensor.fromFloats(new float[]{999f, 250f}, 2);
                Tensor context = randn(21, 2, 77, ctx);
                for (long[] side : new long[][]{{24, 16}, {13, 10}}) {
                    Tensor x = randn(20, 2, 4, side[0], side[1]);
                    float[] nchw = unet.forward(x, t, context, null, false).toFloatArray();
                    float[] channelsLast = unet.forward(x, t, context, null, true).toFloatArray();
                    // Other convolution kernels sum in another order (about 1e-6 here); misread strides are 1e-1 off.
                    assertThat(RelativeL2.of(channelsLast, nchw)).as("sd2 %s, %dx%d", sd2, side[0], side[1]).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void bfloat16ComputeStaysCloseToFloat32InBothLayouts() throws Exception {
        // The output conv (32 -> 4 channels) is where libtorch's NCHW bfloat16 3x3 conv goes wrong (rel-L2 0.1-0.3).
        // With COPY storage the convs whose weight outweighs the input run packed (PackedConvolution): at 8x8 most
        // of them, packed at the first size seen and then given the other one.
        for (boolean sd2 : new boolean[]{false, true}) for (WeightStorage storage : WeightStorage.values()) {
            try (TinyUnets.Opened m = sd2 ? TinyUnets.sd2(dir, DType.F16) : TinyUnets.sd1(dir, DType.F16);
                    TensorScope ignored = TensorScope.open();
                    UNetModel f32 = UNetModel.load(m.stateDict(), m.architecture().unetPrefix(), m.architecture().unet(),
                            WeightStorage.CAST_PER_CALL, Device.CPU);
                    UNetModel bf16 = UNetModel.load(m.stateDict(), m.architecture().unetPrefix(), m.architecture().unet(),
                            AttentionHeads.forConfig(m.architecture().unet()), storage, DType.BF16, Device.CPU)) {
                assertThat(bf16.computeDtype()).isEqualTo(DType.BF16);
                long ctx = m.architecture().unet().contextDim();
                Tensor t = Tensor.fromFloats(new float[]{999f, 250f}, 2);
                Tensor context = randn(21, 2, 77, ctx);
                for (long[] side : new long[][]{{8, 8}, {24, 16}, {8, 8}, {6, 10}}) {
                    Tensor x = randn(20, 2, 4, side[0], side[1]);
                    for (boolean channelsLast : new boolean[]{false, true}) {
                        Tensor reference = f32.forward(x, t, context, null, channelsLast);
                        Tensor out = bf16.forward(x, t, context, null, channelsLast);
                        assertThat(out.dtype()).isEqualTo(DType.F32);
                        assertThat(RelativeL2.of(out, reference)).as("sd2 %s, %s, %dx%d, channels-last %s", sd2, storage, side[0], side[1], channelsLast)
                                .isLessThan(2e-2);
                    }
                }
            }
        }
    }

    @Test
    void aBfloat16UnetTakesFloat32ControlResiduals() throws Exception {
        // A ControlNet computes in float32; its residuals are added in place to the bfloat16 activations.
        try (TinyUnets.Opened m = TinyUnets.sd1(dir, DType.F16); TensorScope ignored = TensorScope.open();
                UNetModel f32 = UNetModel.load(m.stateDict(), m.architecture().unetPrefix(), m.architecture().unet(),
                        WeightStorage.CAST_PER_CALL, Device.CPU);
                UNetModel bf16 = UNetModel.load(m.stateDict(), m.architecture().unetPrefix(), m.architecture().unet(),
                        AttentionHeads.forConfig(m.architecture().unet()), WeightStorage.COPY, DType.BF16, Device.CPU)) {
            Tensor x = randn(30, 1, 4, 16, 16);
            Tensor t = Tensor.fromFloats(new float[]{500f}, 1);
            Tensor context = randn(31, 1, 77, m.architecture().unet().contextDim());
            Tensor plain = f32.forward(x, t, context);
            Tensor controlled = f32.forward(x, t, context, null, middleResidual(), null);
            Tensor controlledBf16 = bf16.forward(x, t, context, null, middleResidual(), null);
            assertThat(RelativeL2.of(controlled, plain)).as("the residual changes the output").isGreaterThan(1e-2);
            assertThat(controlledBf16.dtype()).isEqualTo(DType.F32);
            assertThat(RelativeL2.of(controlledBf16, controlled)).isLessThan(2e-2);
        }
    }

    /** A float32 residual for the middle block, [1, 1, 1, 1]: it broadcasts to any activation. */
    private static ControlResiduals middleResidual() {
        ControlResiduals control = new ControlResiduals();
        control.list(ControlResiduals.Block.MIDDLE).add(Tensor.fromFloats(new float[]{2f}, 1, 1, 1, 1));
        return control;
    }

    @Test
    void bothWeightStoragesGiveTheSameOutput() throws Exception {
        try (TinyUnets.Opened m = TinyUnets.sd1(dir, DType.F16); TensorScope ignored = TensorScope.open()) {
            Tensor x = randn(5, 1, 4, 8, 8);
            Tensor t = Tensor.fromFloats(new float[]{500f}, 1);
            Tensor context = randn(6, 1, 77, 32);
            float[] copy;
            try (UNetModel unet = UNetModel.load(m.stateDict(), "model.diffusion_model.", m.architecture().unet(),
                    WeightStorage.COPY, Device.CPU)) {
                assertThat(unet.byteSize()).isGreaterThan(0);
                copy = unet.forward(x, t, context).toFloatArray();
            }
            try (UNetModel unet = UNetModel.load(m.stateDict(), "model.diffusion_model.", m.architecture().unet(),
                    WeightStorage.CAST_PER_CALL, Device.CPU)) {
                assertThat(unet.byteSize()).isZero();
                assertThat(unet.forward(x, t, context).toFloatArray()).containsExactly(copy);
            }
        }
    }

    @Test
    void batchedCfgEqualsSeparateCallsAndRepeatsTheShorterContext() throws Exception {
        try (TinyUnets.Opened m = TinyUnets.sd1(dir, DType.F32); TensorScope ignored = TensorScope.open();
                DiffusionModel model = new DiffusionModel(UNetModel.load(m.stateDict(), m.architecture().unetPrefix(),
                        m.architecture().unet(), WeightStorage.CAST_PER_CALL, Device.CPU), ModelSamplingDiscrete.of(Prediction.EPS),
                        m.architecture().family())) {
            Tensor x = randn(7, 1, 4, 8, 8);
            Tensor sigma = Tensor.fromFloats(new float[]{2.5f}, 1);
            Tensor cond = randn(8, 1, 154, 32);
            Tensor uncond = randn(9, 1, 77, 32);
            CfgDenoiser batched = new CfgDenoiser(() -> Long.MAX_VALUE);
            CfgDenoiser separate = new CfgDenoiser(() -> 0L);
            CfgDenoiser.Result a = batched.denoiseWithParts(model, x, sigma, cond, uncond, 7.5);
            CfgDenoiser.Result b = separate.denoiseWithParts(model, x, sigma, cond, uncond, 7.5);

            float[] condAlone = model.applyModel(x, sigma, cond).toFloatArray();
            float[] uncondAlone = model.applyModel(x, sigma, uncond).toFloatArray();
            assertThat(b.condDenoised().toFloatArray()).containsExactly(condAlone);
            assertThat(b.uncondDenoised().toFloatArray()).containsExactly(uncondAlone);
            // Repeating the 77-token context to 154 tokens leaves attention's result unchanged.
            assertThat(RelativeL2.of(a.condDenoised().toFloatArray(), condAlone)).isLessThan(1e-5);
            assertThat(RelativeL2.of(a.uncondDenoised().toFloatArray(), uncondAlone)).isLessThan(1e-5);
            float[] expected = new float[condAlone.length];
            for (int i = 0; i < expected.length; i++) expected[i] = uncondAlone[i] + (condAlone[i] - uncondAlone[i]) * 7.5f;
            assertThat(RelativeL2.of(a.denoised().toFloatArray(), expected)).isLessThan(1e-5);

            CfgDenoiser.Result one = batched.denoiseWithParts(model, x, sigma, cond, uncond, 1.0);
            assertThat(one.uncondDenoised()).isNull();
            assertThat(one.denoised().toFloatArray()).containsExactly(condAlone);
        }
    }

    @Test
    void contextsBatchOnlyWhenTheRepeatIsAtMostFourfold() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor c77 = Tensor.zeros(DType.F32, 1, 77, 8);
            assertThat(CfgDenoiser.canConcat(c77, Tensor.zeros(DType.F32, 1, 154, 8))).isTrue();
            assertThat(CfgDenoiser.canConcat(c77, Tensor.zeros(DType.F32, 1, 308, 8))).isTrue();
            assertThat(CfgDenoiser.canConcat(c77, Tensor.zeros(DType.F32, 1, 385, 8))).isFalse();
            assertThat(CfgDenoiser.canConcat(c77, Tensor.zeros(DType.F32, 1, 77, 16))).isFalse();
            assertThat(CfgDenoiser.lcm(77, 154)).isEqualTo(154);
            assertThat(CfgDenoiser.lcm(154, 231)).isEqualTo(462);
            Tensor joined = CfgDenoiser.concatContexts(List.of(Tensor.zeros(DType.F32, 1, 154, 8), c77.add(1.0)));
            assertThat(joined.shape()).containsExactly(2, 154, 8);
            assertThat(joined.select(0, 1).sum().item()).isEqualTo(154 * 8);
            Tensor repeated = CfgDenoiser.repeatToBatchSize(Tensor.fromFloats(new float[]{1, 2}, 2, 1), 3);
            assertThat(repeated.toFloatArray()).containsExactly(1, 2, 1);
        }
    }

    @Test
    void sdpaAttentionEqualsTheTextbookFormula() {
        try (TensorScope ignored = TensorScope.open()) {
            long heads = 4;
            Tensor q = randn(10, 2, 50, 32);
            Tensor k = randn(11, 2, 13, 32);
            Tensor v = randn(12, 2, 13, 32);
            float[] fast = CrossAttention.attention(q, k, v, heads).toFloatArray();
            // softmax(q k^T / sqrt(d)) v per head, with plain bmm.
            Tensor qh = q.view(2, 50, heads, 8).permute(0, 2, 1, 3).reshape(8, 50, 8);
            Tensor kh = k.view(2, 13, heads, 8).permute(0, 2, 1, 3).reshape(8, 13, 8);
            Tensor vh = v.view(2, 13, heads, 8).permute(0, 2, 1, 3).reshape(8, 13, 8);
            Tensor weights = Functional.softmax(Functional.bmm(qh, kh.transpose(1, 2)).mul(1 / Math.sqrt(8)), -1);
            Tensor reference = Functional.bmm(weights, vh).view(2, heads, 50, 8).permute(0, 2, 1, 3).reshape(2, 50, 32);
            assertThat(RelativeL2.of(fast, reference.toFloatArray())).isLessThan(1e-6);
        }
    }

    @Test
    void badInputsAreRefusedWithTheExpectedShape() throws Exception {
        try (TinyUnets.Opened m = TinyUnets.sd1(dir, DType.F16); TensorScope ignored = TensorScope.open();
                UNetModel unet = UNetModel.load(m.stateDict(), "model.diffusion_model.", m.architecture().unet(),
                        WeightStorage.CAST_PER_CALL, Device.CPU)) {
            Tensor t = Tensor.fromFloats(new float[]{1f}, 1);
            assertThatThrownBy(() -> unet.forward(Tensor.zeros(DType.F32, 1, 3, 8, 8), t, Tensor.zeros(DType.F32, 1, 77, 32)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, 4, H, W]");
            assertThatThrownBy(() -> unet.forward(Tensor.zeros(DType.F32, 1, 4, 8, 8), t, Tensor.zeros(DType.F32, 1, 77, 768)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, L, 32]");
            assertThatThrownBy(() -> UNetModel.load(m.stateDict(), "wrong.prefix.", m.architecture().unet(),
                    WeightStorage.COPY, Device.CPU))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong.prefix.time_embed.0.weight");
            // Latents whose sides are not multiples of 8 line up with their skip connections.
            Tensor odd = unet.forward(Tensor.zeros(DType.F32, 1, 4, 13, 10), t, Tensor.zeros(DType.F32, 1, 77, 32));
            assertThat(odd.shape()).containsExactly(1, 4, 13, 10);
        }
    }

    @Test
    void timestepEmbeddingIsCosinesThenSines() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] e = TimestepEmbedding.of(Tensor.fromFloats(new float[]{0f, 10f}, 2), 8).toFloatArray();
            assertThat(Arrays.copyOfRange(e, 0, 8)).containsExactly(1, 1, 1, 1, 0, 0, 0, 0);
            for (int i = 0; i < 4; i++) {
                double freq = Math.exp(-Math.log(10000) * i / 4);
                assertThat((double) e[8 + i]).isCloseTo(Math.cos(10 * freq), org.assertj.core.data.Offset.offset(1e-6));
                assertThat((double) e[12 + i]).isCloseTo(Math.sin(10 * freq), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }
}
