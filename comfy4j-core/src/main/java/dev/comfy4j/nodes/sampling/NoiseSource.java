package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TorchGenerator;
import java.math.BigInteger;
import java.util.List;

/**
 * The NOISE value: RandomNoise ({@code prepare_noise} of the seed with the latent's batch_index) or
 * DisableNoise (zeros, seed 0). The seed also seeds the samplers' step noise.
 */
public record NoiseSource(BigInteger seed, boolean disabled) {
    public static NoiseSource random(BigInteger seed) {
        return new NoiseSource(seed, false);
    }

    public static NoiseSource none() {
        return new NoiseSource(BigInteger.ZERO, true);
    }

    /** torch.manual_seed keeps the low 64 bits. */
    public long seedBits() {
        return seed.longValue();
    }

    /** The initial noise for {@code latent}, float32 of its shape; in the caller's scope. */
    public Tensor generate(Latent latent) {
        try (TorchGenerator generator = TorchGenerator.cpu(seedBits())) {
            return generate(latent, generator);
        }
    }

    /** As above, drawn from {@code generator} seeded with {@code torch.manual_seed(seed)} (untouched when disabled). */
    public Tensor generate(Latent latent, TorchGenerator generator) {
        long[] shape = latent.samples().shape();
        if (disabled) return Tensor.zeros(DType.F32, shape);
        return Noise.prepare(generator, shape, batchIndex(latent.batchIndex()), DType.F32);
    }

    static int[] batchIndex(List<Long> index) {
        if (index == null) return null;
        return index.stream().mapToInt(Long::intValue).toArray();
    }

    public static NoiseSource from(Object value, String name) {
        if (value instanceof NoiseSource n) return n;
        throw PyError.typeError(name + " must be NOISE, not " + (value == null ? "None" : value.getClass().getSimpleName()));
    }
}
