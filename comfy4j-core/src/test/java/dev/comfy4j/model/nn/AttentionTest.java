package dev.comfy4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import org.junit.jupiter.api.Test;

class AttentionTest {
    private static Tensor randn(long seed, long... shape) {
        return Noise.prepare(seed, shape, null);
    }

    /** softmax(q k^T / sqrt(d)) v over all heads at once, the textbook way. */
    private static float[] textbook(Tensor q, Tensor k, Tensor v) {
        Tensor scores = Functional.bmm(q, k.transpose(1, 2)).mul(1 / Math.sqrt(q.size(2)));
        return Functional.bmm(Functional.softmax(scores, -1), v).toFloatArray();
    }

    @Test
    void everyBlockingGivesTheTextbookResult() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor q = randn(1, 6, 50, 16);
            Tensor k = randn(2, 6, 37, 16);
            Tensor v = randn(3, 6, 37, 16);
            float[] expected = textbook(q, k, v);
            long oneHead = 50L * 37 * Float.BYTES;
            // All heads in one block; 4 heads then 2; one head whole; 7 rows a block (last block 1 row); one row.
            for (long budget : new long[]{Long.MAX_VALUE / 2, 4 * oneHead, oneHead, 7L * 37 * Float.BYTES, 1}) {
                float[] blocked = Attention.compute(q, k, v, budget).toFloatArray();
                assertThat(RelativeL2.of(blocked, expected)).as("budget %d", budget).isLessThan(1e-6);
            }
        }
    }

    @Test
    void equalsLibtorchsScaledDotProductAttentionOnStridedInputs() {
        try (TensorScope ignored = TensorScope.open()) {
            // Heads split out of [B, N, H*D] as transposed views, as the UNet's cross-attention makes them.
            Tensor q = randn(4, 2, 64, 4 * 8).view(2, 64, 4, 8).transpose(1, 2);
            Tensor k = randn(5, 2, 77, 4 * 8).view(2, 77, 4, 8).transpose(1, 2);
            Tensor v = randn(6, 2, 77, 4 * 8).view(2, 77, 4, 8).transpose(1, 2);
            float[] sdpa = Functional.scaledDotProductAttention(q, k, v, null).toFloatArray();
            float[] ours = Attention.compute(q.reshape(8, 64, 8), k.reshape(8, 77, 8), v.reshape(8, 77, 8), 64L * 77 * 4 * 3)
                    .toFloatArray();
            assertThat(RelativeL2.of(ours, sdpa)).isLessThan(1e-6);
        }
    }
}
