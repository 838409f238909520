package dev.comfy4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PackedConvolutionTest {
    /** A packed convolution equals a plain one computed in float32 from the same (rounded) values. */
    @ParameterizedTest(name = "{0} {1}->{2} on {3}x{3}, kernel {4}, stride {5}, packed for {6}x{6}")
    @CsvSource({
        "F32, 64, 32, 8, 3, 1, 8",
        "F32, 32, 48, 7, 3, 2, 7",
        "BF16, 64, 64, 8, 3, 1, 8",
        "BF16, 128, 64, 4, 3, 1, 4",
        "BF16, 64, 32, 9, 3, 2, 9",
        "BF16, 32, 64, 16, 3, 1, 2", // an input larger than the one it was packed for
        "BF16, 32, 16, 2, 3, 1, 16", // and a smaller one
        "BF16, 48, 32, 3, 1, 1, 3",
    })
    void equalsThePlainConvolution(DType dtype, long in, long out, long side, long kernel, long stride, long packedForSide) {
        assumeTrue(PackedConvolution.available(), "this libtorch has no oneDNN");
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(7)) {
            long padding = kernel / 2;
            Tensor x = Tensor.randn(g, DType.F32, 2, in, side, side).to(dtype);
            Tensor w = Tensor.randn(g, DType.F32, out, in, kernel, kernel).mul(0.1).to(dtype);
            Tensor b = Tensor.randn(g, DType.F32, out).to(dtype);
            Tensor packed = PackedConvolution.pack(w, stride, padding, new long[]{2, in, packedForSide, packedForSide});

            Tensor y = PackedConvolution.conv2d(x, packed, b, stride, padding);
            Tensor reference = Functional.conv2d(x.to(DType.F32), w.to(DType.F32), b.to(DType.F32), stride, padding);

            assertThat(y.dtype()).isEqualTo(dtype);
            assertThat(y.shape()).containsExactly(reference.shape());
            Tensor difference = y.to(DType.F32).sub(reference);
            double relativeL2 = Math.sqrt(difference.mul(difference).sum().item() / reference.mul(reference).sum().item());
            // bfloat16 outputs are rounded to 8 significant bits: 2^-9 relative at most, about 1.7e-3 in L2
            assertThat(relativeL2).isLessThan(dtype == DType.F32 ? 1e-5 : 4e-3);
        }
    }
}
