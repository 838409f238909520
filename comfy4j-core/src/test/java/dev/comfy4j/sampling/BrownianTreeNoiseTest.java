package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/** The Brownian tree behind the SDE samplers: a Brownian motion in sigma, deterministic in the seed. */
class BrownianTreeNoiseTest {
    private static final long N = 20_000;

    @Test
    void incrementsAreStandardNormalAndIndependentOverDisjointIntervals() {
        try (TensorScope ignored = TensorScope.open();
                BrownianTreeNoise tree = new BrownianTreeNoise(Tensor.zeros(DType.F32, 1, N), 0.03f, 14.6f, 42)) {
            Tensor a = tree.sample(14.6, 6.0);
            Tensor b = tree.sample(6.0, 0.8);
            assertThat(a.mean().item()).isCloseTo(0, within(0.03));
            assertThat(a.std(true).item()).isCloseTo(1, within(0.03));
            assertThat(b.std(true).item()).isCloseTo(1, within(0.03));
            assertThat(a.mul(b).mean().item()).as("correlation").isCloseTo(0, within(0.03));
        }
    }

    @Test
    void overlappingIntervalsShareTheirPath() {
        // W(s) - W(t) over [1, 5] equals the sum over [1, 2.5] and [2.5, 5]: the normalised draws scale back exactly
        try (TensorScope ignored = TensorScope.open();
                BrownianTreeNoise tree = new BrownianTreeNoise(Tensor.zeros(DType.F32, 1, 64), 0.03f, 14.6f, 7)) {
            Tensor whole = tree.sample(5.0, 1.0).mul(Math.sqrt(4.0));
            Tensor upper = tree.sample(5.0, 2.5).mul(Math.sqrt(2.5));
            Tensor lower = tree.sample(2.5, 1.0).mul(Math.sqrt(1.5));
            assertThat(whole.sub(upper.add(lower)).abs().amax().item()).isLessThan(1e-5);
            // the direction flips the sign
            assertThat(tree.sample(1.0, 5.0).add(tree.sample(5.0, 1.0)).abs().amax().item()).isLessThan(1e-6);
        }
        try (TensorScope ignored = TensorScope.open();
                BrownianTreeNoise tree = new BrownianTreeNoise(Tensor.zeros(DType.F32, 1, N), 0.03f, 14.6f, 9)) {
            double corr = tree.sample(5.0, 1.0).mul(tree.sample(5.0, 2.5)).mean().item();
            assertThat(corr).isCloseTo(Math.sqrt(2.5 / 4.0), within(0.03));
        }
    }

    @Test
    void theNoiseDependsOnTheSeedAndTheSigmasNotOnTheOrderOfQueries() {
        try (TensorScope ignored = TensorScope.open();
                BrownianTreeNoise first = new BrownianTreeNoise(Tensor.zeros(DType.F32, 1, 32), 0.03f, 14.6f, 5);
                BrownianTreeNoise second = new BrownianTreeNoise(Tensor.zeros(DType.F32, 1, 32), 0.03f, 14.6f, 5);
                BrownianTreeNoise other = new BrownianTreeNoise(Tensor.zeros(DType.F32, 1, 32), 0.03f, 14.6f, 6)) {
            Tensor a1 = first.sample(3.3, 2.1);
            Tensor b1 = first.sample(0.9, 0.4);
            Tensor b2 = second.sample(0.9, 0.4);
            Tensor a2 = second.sample(3.3, 2.1);
            assertThat(a1.sub(a2).abs().amax().item()).isZero();
            assertThat(b1.sub(b2).abs().amax().item()).isZero();
            assertThat(a1.sub(other.sample(3.3, 2.1)).abs().amax().item()).isGreaterThan(0.1);
        }
    }
}
