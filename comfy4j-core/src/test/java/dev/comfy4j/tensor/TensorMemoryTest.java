package dev.comfy4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Temporaries are freed with their scope: RSS stays flat over many iterations. */
class TensorMemoryTest {
    @Test
    void thousandConvSiluIterationsKeepRssFlat() {
        Tensor x = Tensor.ones(DType.F32, 1, 64, 32, 32);      // 256 KiB
        Tensor w = Tensor.full(0.01, DType.F32, 64, 64, 3, 3);
        Tensor b = Tensor.zeros(DType.F32, 64);
        for (int i = 0; i < 50; i++) step(x, w, b);              // warm up allocator and thread pools
        long before = MemoryStats.currentRss();
        for (int i = 0; i < 1000; i++) step(x, w, b);
        long after = MemoryStats.currentRss();
        // Without scopes this loop would keep 2 x 256 KiB per iteration alive: about 512 MB.
        assertThat(after - before).as("RSS growth in bytes").isLessThan(64L << 20);
        x.close();
        w.close();
        b.close();
    }

    private static void step(Tensor x, Tensor w, Tensor b) {
        try (TensorScope ignored = TensorScope.open()) {
            Functional.silu(Functional.conv2d(x, w, b, 1, 1));
        }
    }
}
