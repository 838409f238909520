package dev.comfy4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code torch.randint} on the CPU generator, as ToMe draws it from torch's default generator after
 * {@code prepare_noise}: each element is one 32-bit MT19937 output modulo the range (ATen's
 * {@code uniform_int_from_to_distribution}), checked against a reference MT19937 and against values recorded from
 * torch 1.13 ({@code torch.manual_seed}, {@code torch.randn}, then {@code torch.randint}). Ranges up to 2^27 + 1
 * only: at 2^28 and above, libtorch 2.10 takes one 64-bit draw (two outputs) per element where torch 1.13 still took
 * one 32-bit output (ToMe's range is 4).
 */
class RandintTest {
    private static long[] reference(Mt19937 mt, long high, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) out[i] = mt.next() % high;
        return out;
    }

    @Test
    void eachElementIsOneGeneratorOutputModuloTheRange() {
        for (long seed : new long[] {0, 1, 42, 123, 0xFFFFFFFFL, (1L << 40) + 9}) {
            for (long high : new long[] {1, 2, 4, 9, 1000, 65536, (1L << 27) + 1}) {
                try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(seed)) {
                    long[] drawn = Tensor.randint(g, high, 3, 7).toLongArray();
                    assertThat(drawn).as("seed %d, high %d", seed, high).containsExactly(reference(new Mt19937(seed), high, 21));
                    // the next draw continues the stream
                    assertThat(Tensor.randint(g, high, 5).toLongArray()).containsExactly(reference(new Mt19937(seed).skip(21), high, 5));
                }
            }
        }
    }

    @Test
    void matchesTorch() {
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(123)) {
            assertThat(Tensor.randint(g, 9, 10).toLongArray()).containsExactly(4, 1, 3, 0, 1, 5, 0, 2, 5, 7);
        }
    }

    /**
     * The default generator continues after the initial noise: float32 randn of n >= 16 elements takes n outputs,
     * plus 16 when n is no multiple of 16 (torch's vectorised normal fill redraws the last 16); with a batch_index
     * every [1, C, H, W] draw up to the largest index counts.
     */
    @Test
    void continuesAfterPrepareNoise() {
        try (TensorScope ignored = TensorScope.open(); DefaultGenerator g = DefaultGenerator.seeded(42)) {
            Noise.prepare(g.generator(), new long[] {1, 4, 8, 8}, null, DType.F32);
            long[] drawn = Tensor.randint(g.generator(), 4, 4, 4, 1).toLongArray();
            assertThat(drawn).containsExactly(2, 1, 3, 2, 0, 1, 0, 0, 2, 1, 3, 3, 2, 2, 1, 3);
            assertThat(drawn).containsExactly(reference(new Mt19937(42).skip(256), 4, 16));
        }
        try (TensorScope ignored = TensorScope.open(); DefaultGenerator g = DefaultGenerator.seeded(42)) {
            Noise.prepare(g.generator(), new long[] {1, 4, 3, 3}, null, DType.F32);
            long[] drawn = Tensor.randint(g.generator(), 4, 2, 3, 1).toLongArray();
            assertThat(drawn).containsExactly(2, 3, 2, 3, 3, 0);
            assertThat(drawn).containsExactly(reference(new Mt19937(42).skip(36 + 16), 4, 6));
        }
        try (TensorScope ignored = TensorScope.open(); DefaultGenerator g = DefaultGenerator.seeded(7)) {
            Noise.prepare(g.generator(), new long[] {2, 4, 8, 8}, new int[] {0, 2}, DType.F32);
            long[] drawn = Tensor.randint(g.generator(), 4, 2, 2, 1).toLongArray();
            assertThat(drawn).containsExactly(2, 1, 0, 3);
            assertThat(drawn).containsExactly(reference(new Mt19937(7).skip(3 * 256), 4, 4));
        }
    }

    @Test
    void manualSeedStartsTheStreamAgainAndRunsSeeTheirOwnGenerator() throws Exception {
        assertThat(DefaultGenerator.current()).isEmpty();
        try (TensorScope ignored = TensorScope.open(); DefaultGenerator g = DefaultGenerator.seeded(5)) {
            Tensor.randint(g.generator(), 4, 100).close();
            g.manualSeed(9);
            long[] drawn = g.during(() -> Tensor.randint(DefaultGenerator.current().orElseThrow().generator(), 1000, 4).toLongArray());
            assertThat(drawn).containsExactly(reference(new Mt19937(9), 1000, 4));
            assertThat(DefaultGenerator.current()).isEmpty();
        }
    }
}
