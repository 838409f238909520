package dev.comfy4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvTranspose2dTest {
    /**
     * Against libtorch's float64 transposed convolution (not oneDNN's), in both input layouts; the channel
     * counts include those where libtorch 2.10 gets NCHW input wrong (32 -> 48 in float32, bfloat16 below 16).
     */
    @ParameterizedTest(name = "{0} {1}->{2}")
    @CsvSource({"F32, 32, 48", "F32, 8, 6", "F32, 64, 64", "BF16, 8, 6", "BF16, 4, 4", "BF16, 32, 48", "BF16, 64, 32"})
    void equalsTheFloat64ResultInBothLayouts(DType dtype, long in, long out) {
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(3)) {
            Tensor x = Tensor.randn(g, DType.F32, 2, in, 7, 9).to(dtype);
            Tensor w = Tensor.randn(g, DType.F32, in, out, 4, 4).to(dtype);
            Tensor b = Tensor.randn(g, DType.F32, out).to(dtype);
            Tensor reference = Functional.convTranspose2d(x.to(DType.F64), w.to(DType.F64), b.to(DType.F64), 2, 1, 0);
            assertThat(reference.shape()).containsExactly(2, out, 14, 18);
            // float32 differs in summation order only; bfloat16 rounds the output to 8 significant bits
            double tolerance = dtype == DType.F32 ? 1e-6 : 5e-3;

            Tensor nchw = Functional.convTranspose2d(x, w, b, 2, 1, 0);
            assertThat(nchw.isChannelsLast()).isFalse();
            assertThat(relativeL2(nchw, reference)).isLessThan(tolerance);
            Tensor channelsLast = Functional.convTranspose2d(x.contiguousChannelsLast(), w, b, 2, 1, 0);
            assertThat(channelsLast.isChannelsLast()).isTrue();
            assertThat(relativeL2(channelsLast, reference)).isLessThan(tolerance);
        }
    }

    private static double relativeL2(Tensor y, Tensor reference) {
        Tensor difference = y.to(DType.F64).sub(reference);
        return Math.sqrt(difference.mul(difference).sum().item() / reference.mul(reference).sum().item());
    }
}
