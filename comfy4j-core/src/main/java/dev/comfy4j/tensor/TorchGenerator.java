package dev.comfy4j.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.global.torch;

/**
 * A CPU random generator, torch's mt19937 ({@code torch.Generator().manual_seed(seed)}). Draws from
 * it continue where the previous draw stopped, as in Python. Not thread-safe.
 */
public final class TorchGenerator implements AutoCloseable {
    private Generator raw;

    private TorchGenerator(Generator raw) {
        this.raw = raw;
    }

    /**
     * A generator seeded like {@code torch.manual_seed(seed)}. torch keeps the full 64-bit seed but
     * mt19937 only uses its low 32 bits, so seeds that differ above bit 31 give the same stream.
     * {@code seed} is taken as an unsigned 64-bit value (ComfyUI seeds reach 2^64-1).
     */
    public static TorchGenerator cpu(long seed) {
        TorchRuntime.ensureStarted();
        Generator g;
        try (PointerScope ignored = new PointerScope()) {
            g = torch.make_generator_cpu(seed);
            g.retainReference();
        }
        return new TorchGenerator(g);
    }

    Generator raw() {
        if (raw == null) throw new IllegalStateException("generator is closed");
        return raw;
    }

    @Override
    public void close() {
        if (raw != null) {
            raw.releaseReference();
            raw = null;
        }
    }
}
