package dev.comfy4j.model.vae;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import org.junit.jupiter.api.Test;

/** The phase-split upsample equals ComfyUI's nearest x2 + 3x3 conv, in both memory layouts. */
class UpsampleTest {
    @Test
    void phasedUpsampleEqualsNearestUpsampleThenConv() {
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(3)) {
            Tensor x = Tensor.randn(g, DType.F32, 2, 8, 5, 7);
            Tensor w = Tensor.randn(g, DType.F32, 6, 8, 3, 3).to(DType.F16);
            Tensor b = Tensor.randn(g, DType.F32, 6);
            Param pw = Param.castPerUse(w, DType.F32), pb = Param.castPerUse(b, DType.F32);
            Conv2d conv = new Conv2d(pw, pb, 1, 1);
            Tensor plain = new Upsample(conv, pw, pb, false).forward(x);
            Tensor phased = new Upsample(conv, pw, pb, true).forward(x);
            assertThat(phased.shape()).containsExactly(2, 6, 10, 14);
            assertThat(RelativeL2.of(phased.toFloatArray(), plain.toFloatArray())).isLessThan(1e-6);
            Tensor xcl = x.contiguousChannelsLast();
            Tensor phasedCl = new Upsample(conv, pw, pb, true).forward(xcl);
            assertThat(phasedCl.isChannelsLast()).isTrue();
            assertThat(RelativeL2.of(phasedCl.toFloatArray(), plain.toFloatArray())).isLessThan(1e-6);
        }
    }
}
