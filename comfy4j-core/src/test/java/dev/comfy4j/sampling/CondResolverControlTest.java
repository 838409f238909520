package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.sampling.control.ControlSpec;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code apply_empty_x_to_equal_area} for controls: what the old ControlNetApply lends to the negative side. */
class CondResolverControlTest {
    record Spec(String name) implements ControlSpec {
        public ControlNetHandle controlNet() { return null; }
        public Tensor image() { return null; }
        public double strength() { return 1; }
        public double startPercent() { return 0; }
        public double endPercent() { return 1; }
        public ControlSpec previous() { return null; }
    }

    private static SamplingCond entry(Tensor c, double[] area, ControlSpec control, boolean toUncond) {
        return new SamplingCond(c, area, false, null, null, false, null, null, null, control, toUncond);
    }

    @Test
    void controlsOfTheOldApplyNodeGoRoundRobinToNegativeEntriesWithoutArea() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor c = Tensor.zeros(DType.F32, 1, 2, 4);
            Spec a = new Spec("a");
            Spec b = new Spec("b");
            Spec z = new Spec("z");
            double[] area = {8, 8, 0, 0};
            List<SamplingCond> positive = List.of(entry(c, null, a, true), entry(c, area, z, true), entry(c, null, b, true),
                    entry(c, null, z, false));
            List<SamplingCond> negative = List.of(entry(c, area, null, false), entry(c, null, null, false));
            List<SamplingCond> out = CondResolver.controlsToUncond(positive, negative);
            // a then b go to the only negative entry without area (index 1): b, the last, stays
            assertThat(out.get(0).control()).isNull();
            assertThat(out.get(1).control()).isSameAs(b);

            List<SamplingCond> two = List.of(entry(c, null, null, false), entry(c, null, null, false));
            List<SamplingCond> spread = CondResolver.controlsToUncond(positive, two);
            assertThat(spread.get(0).control()).isSameAs(a);
            assertThat(spread.get(1).control()).isSameAs(b);
        }
    }

    @Test
    void nothingIsLentWhenANegativeEntryHasAControlOrThePositiveOnesDoNotAsk() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor c = Tensor.zeros(DType.F32, 1, 2, 4);
            Spec a = new Spec("a");
            Spec own = new Spec("own");
            List<SamplingCond> negative = List.of(entry(c, null, own, false), entry(c, null, null, false));
            assertThat(CondResolver.controlsToUncond(List.of(entry(c, null, a, true)), negative)).isSameAs(negative);
            List<SamplingCond> plain = List.of(entry(c, null, null, false));
            assertThat(CondResolver.controlsToUncond(List.of(entry(c, null, a, false)), plain)).isSameAs(plain);
        }
    }
}
