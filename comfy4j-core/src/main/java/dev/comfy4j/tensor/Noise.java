package dev.comfy4j.tensor;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The initial noise of a sampler, identical to ComfyUI's {@code comfy.sample.prepare_noise}: seed a CPU
 * mt19937 with {@code torch.manual_seed(seed)}, then {@code torch.randn} of the latent shape; with a
 * {@code batch_index} list, one {@code [1, C, H, W]} draw per index from 0 to the largest index, keeping
 * the listed ones in list order (repeated indices share a draw). Values match torch bit for bit on
 * x86-64 CPUs (torch's AVX2 normal kernel; spec/node-catalog.md section 5.2).
 */
public final class Noise {
    private Noise() {}

    /**
     * Noise for a latent of {@code shape} ({@code [B, C, H, W]}), float32 on the CPU.
     *
     * @param seed the seed as an unsigned 64-bit value (only its low 32 bits reach mt19937)
     * @param batchIndex the latent's {@code batch_index}, or null
     */
    public static Tensor prepare(long seed, long[] shape, int[] batchIndex) {
        return prepare(seed, shape, batchIndex, DType.F32);
    }

    /** {@link #prepare(long, long[], int[])} with a seed of up to 64 bits as ComfyUI sends it. */
    public static Tensor prepare(BigInteger seed, long[] shape, int[] batchIndex) {
        if (seed.signum() < 0 || seed.bitLength() > 64) throw new IllegalArgumentException("seed out of range: " + seed);
        return prepare(seed.longValue(), shape, batchIndex, DType.F32);
    }

    /** As above with the latent's dtype (torch draws in that dtype). */
    public static Tensor prepare(long seed, long[] shape, int[] batchIndex, DType dtype) {
        try (TorchGenerator generator = TorchGenerator.cpu(seed)) {
            return prepare(generator, shape, batchIndex, dtype);
        }
    }

    /**
     * As above, drawn from {@code generator} already seeded with {@code torch.manual_seed(seed)}: it is left where
     * ComfyUI leaves torch's default generator after {@code prepare_noise}.
     */
    public static Tensor prepare(TorchGenerator generator, long[] shape, int[] batchIndex, DType dtype) {
        if (shape.length == 0) throw new IllegalArgumentException("noise needs a shape");
        if (batchIndex == null) return Tensor.randn(generator, dtype, shape);
        if (batchIndex.length == 0) throw new IllegalArgumentException("batch_index is empty");
        int max = Arrays.stream(batchIndex).max().orElseThrow();
        if (Arrays.stream(batchIndex).anyMatch(i -> i < 0)) throw new IllegalArgumentException("negative batch_index");
        long[] one = shape.clone();
        one[0] = 1;
        TreeMap<Integer, Tensor> kept = new TreeMap<>();
        try (TensorScope scope = TensorScope.open()) {
            for (int i = 0; i <= max; i++) {
                Tensor draw = Tensor.randn(generator, dtype, one);
                if (contains(batchIndex, i)) kept.put(i, draw);
                else draw.close();
            }
            List<Tensor> rows = new ArrayList<>(batchIndex.length);
            for (int i : batchIndex) rows.add(kept.get(i));
            return scope.keep(Tensor.cat(rows, 0));
        }
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) if (x == v) return true;
        return false;
    }
}
