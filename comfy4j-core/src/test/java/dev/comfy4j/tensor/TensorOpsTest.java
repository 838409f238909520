package dev.comfy4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorOpsTest {
    @Test
    void runtimeStartsAndReportsDevice() {
        TorchRuntime.State s = TorchRuntime.ensureStarted();
        assertThat(s.threads()).isPositive();
        assertThat(s.device()).isNotNull();
    }

    @Test
    void arithmeticReductionsAndArrays() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = Tensor.fromFloats(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
            assertThat(a.shape()).containsExactly(2, 3);
            assertThat(a.dtype()).isEqualTo(DType.F32);
            assertThat(a.add(1).mul(2).toFloatArray()).containsExactly(4, 6, 8, 10, 12, 14);
            assertThat(a.sum().item()).isEqualTo(21.0);
            assertThat(a.mean(new long[]{1}, false).toFloatArray()).containsExactly(2, 5);
            assertThat(a.amax().item()).isEqualTo(6.0);
            assertThat(a.clamp(2, 4).toFloatArray()).containsExactly(2, 2, 3, 4, 4, 4);
            assertThat(a.rsub(1).toFloatArray()).containsExactly(0, -1, -2, -3, -4, -5);
            assertThat(Tensor.where(a.gt(3), a, a.neg()).toFloatArray()).containsExactly(-1, -2, -3, 4, 5, 6);
            assertThat(a.permute(1, 0).contiguous().toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
            assertThat(a.flip(1).toFloatArray()).containsExactly(3, 2, 1, 6, 5, 4);
            assertThat(a.narrow(1, 1, 2).toFloatArray()).containsExactly(2, 3, 5, 6);
            assertThat(a.slice(1, 0, 3, 2).toFloatArray()).containsExactly(1, 3, 4, 6);
            List<Tensor> parts = a.chunk(3, 1);
            assertThat(parts).hasSize(3);
            assertThat(Tensor.cat(parts, 0).toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
            // rot90 clockwise as LatentRotate does it: dims [3, 2] on NCHW
            Tensor img = a.reshape(1, 1, 2, 3);
            assertThat(img.rot90(1, 3, 2).shape()).containsExactly(1, 1, 3, 2);
            assertThat(img.rot90(1, 3, 2).toFloatArray()).containsExactly(4, 1, 5, 2, 6, 3);
            assertThat(a.to(DType.F16).to(DType.BF16).to(DType.F32).toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(Tensor.fromLongs(new long[]{7, -8}, 2).toLongArray()).containsExactly(7, -8);
            assertThat(scope.size()).isGreaterThan(10);
        }
    }

    @Test
    void nnFunctionsHaveTheRightShapesAndValues() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.ones(DType.F32, 1, 2, 4, 4);
            Tensor w = Tensor.ones(DType.F32, 3, 2, 3, 3);
            Tensor b = Tensor.zeros(DType.F32, 3);
            Tensor y = Functional.conv2d(x, w, b, 1, 1);
            assertThat(y.shape()).containsExactly(1, 3, 4, 4);
            assertThat(y.toFloatArray()[5]).isEqualTo(18f); // interior: 2 channels x 9 taps
            Tensor lin = Functional.linear(Tensor.ones(DType.F32, 2, 3), Tensor.ones(DType.F32, 5, 3), null);
            assertThat(lin.shape()).containsExactly(2, 5);
            assertThat(lin.toFloatArray()[0]).isEqualTo(3f);
            Tensor gn = Functional.groupNorm(Tensor.arange(0, 32, 1, DType.F32).reshape(1, 4, 2, 4), 2, null, null, 1e-5);
            assertThat(gn.mean().item()).isCloseTo(0.0, within(1e-5));
            Tensor q = Tensor.ones(DType.F32, 1, 2, 5, 8);
            Tensor att = Functional.scaledDotProductAttention(q, q, q.mul(3), null);
            assertThat(att.toFloatArray()).containsOnly(3f);
            Tensor sm = Functional.softmax(Tensor.zeros(DType.F32, 2, 4), 1);
            assertThat(sm.toFloatArray()).containsOnly(0.25f);
            assertThat(Functional.silu(Tensor.zeros(DType.F32, 3)).toFloatArray()).containsOnly(0f);
            assertThat(Functional.gelu(Tensor.zeros(DType.F32, 3)).toFloatArray()).containsOnly(0f);
            Tensor bb = Functional.baddbmm(Tensor.zeros(DType.F32, 1, 2, 2), Tensor.ones(DType.F32, 1, 2, 3),
                    Tensor.ones(DType.F32, 1, 3, 2), 0, 0.5);
            assertThat(bb.toFloatArray()).containsOnly(1.5f);
        }
    }

    @Test
    void interpolationModesMatchTorch() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.fromFloats(new float[]{0, 1, 2, 3}, 1, 1, 1, 4);
            assertThat(Functional.interpolate(x, 1, 2, Interpolation.NEAREST, false).toFloatArray()).containsExactly(0, 2);
            // torch: source index floor((i + 0.5) * 4/3) for nearest-exact, floor(i * 4/3) for nearest
            assertThat(Functional.interpolate(x, 1, 3, Interpolation.NEAREST_EXACT, false).toFloatArray()).containsExactly(0, 2, 3);
            assertThat(Functional.interpolate(x, 1, 3, Interpolation.NEAREST, false).toFloatArray()).containsExactly(0, 1, 2);
            assertThat(Functional.interpolate(x, 1, 2, Interpolation.AREA, false).toFloatArray()).containsExactly(0.5f, 2.5f);
            assertThat(Functional.interpolate(x, 1, 2, Interpolation.BILINEAR, false).toFloatArray()).containsExactly(0.5f, 2.5f);
            // torch: F.interpolate(x, size=(1,2), mode="bilinear", antialias=True) = [0.6, 2.4]... checked by symmetry
            float[] aa = Functional.interpolate(x, 1, 2, Interpolation.BILINEAR, true).toFloatArray();
            assertThat(aa[0] + aa[1]).isCloseTo(3f, within(1e-5f));
            assertThat(Functional.interpolate(x, 1, 8, Interpolation.BICUBIC, false).shape()).containsExactly(1, 1, 1, 8);
            assertThat(Functional.interpolate(x, 1, 2, Interpolation.BICUBIC, true).shape()).containsExactly(1, 1, 1, 2);
            assertThatThrownBy(() -> Functional.interpolate(x, 1, 2, Interpolation.AREA, true))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void scopeKeepHandsTensorsOutward() {
        Tensor kept;
        Tensor dropped;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                dropped = Tensor.ones(DType.F32, 2);
                kept = inner.keep(Tensor.ones(DType.F32, 2).mul(5));
            }
            assertThat(dropped.isClosed()).isTrue();
            assertThat(kept.isClosed()).isFalse();
            assertThat(kept.toFloatArray()).containsExactly(5, 5);
            outer.keep(kept);
        }
        assertThat(kept.isClosed()).isFalse();
        kept.close();
        assertThat(kept.isClosed()).isTrue();
        assertThatThrownBy(kept::shape).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void libtorchErrorsBecomeJavaExceptions() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor a = Tensor.ones(DType.F32, 2, 3);
            assertThatThrownBy(() -> a.add(Tensor.ones(DType.F32, 4))).isInstanceOf(RuntimeException.class);
        }
    }
}
