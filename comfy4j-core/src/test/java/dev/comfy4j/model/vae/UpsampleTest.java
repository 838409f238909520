package dev.comfy4j.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused upsample (one transposed convolution) equals ComfyUI's nearest x2 + 3x3 conv, in both memory layouts. */
class UpsampleTest {
    @ParameterizedTest(name = "{0}, {1} -> {2} channels")
    @CsvSource({"F32, 8, 6", "F32, 32, 48", "BF16, 32, 32", "BF16, 64, 16"})
    void fusedUpsampleEqualsNearestUpsampleThenConv(DType dtype, long in, long out) {
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(3)) {
            Tensor x = Tensor.randn(g, DType.F32, 2, in, 5, 7);
            Tensor w = Tensor.randn(g, DType.F32, out, in, 3, 3).to(DType.F16);
            Tensor b = Tensor.randn(g, DType.F32, out);
            // The reference: ComfyUI's two steps in float32 on the same (fp16-stored) weights
            Param pw32 = Param.castPerUse(w, DType.F32), pb32 = Param.castPerUse(b, DType.F32);
            Conv2d conv32 = new Conv2d(pw32, pb32, 1, 1);
            Tensor plain = new Upsample(conv32, pw32, pb32, false).forward(x);

            Param pw = Param.castPerUse(w, dtype), pb = Param.castPerUse(b, dtype);
            Upsample fused = new Upsample(new Conv2d(pw, pb, 1, 1), pw, pb, true);
            // float32 differs in rounding order only; bfloat16 rounds inputs, the summed taps and the output to 8 bits
            double tolerance = dtype == DType.F32 ? 1e-6 : 1e-2;
            Tensor nchw = fused.forward(x);
            assertThat(nchw.shape()).containsExactly(2, out, 10, 14);
            assertThat(nchw.dtype()).isEqualTo(DType.F32);
            assertThat(RelativeL2.of(nchw.toFloatArray(), plain.toFloatArray())).isLessThan(tolerance);
            Tensor channelsLast = fused.forward(x.contiguousChannelsLast());
            assertThat(channelsLast.isChannelsLast()).isTrue();
            assertThat(RelativeL2.of(channelsLast.toFloatArray(), plain.toFloatArray())).isLessThan(tolerance);
        }
    }
}
