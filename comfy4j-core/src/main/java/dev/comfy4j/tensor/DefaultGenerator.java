package dev.comfy4j.tensor;

import java.util.Optional;

/**
 * torch's default CPU generator as one sampling run sees it. ComfyUI seeds the process-wide generator in
 * {@code prepare_noise} ({@code torch.manual_seed(seed)}), draws the initial noise from it, and code that runs
 * during sampling without a generator of its own (ToMe's {@code torch.randint}) continues that stream. comfy4j
 * keeps one such generator per run instead of one per process: the sampling nodes create it, draw the noise from
 * it and bind it to their thread for the run ({@link #during}), where {@link #current()} finds it. Concurrent runs
 * thus never share a stream. Not thread-safe (one run, one thread).
 */
public final class DefaultGenerator implements AutoCloseable {
    private static final ScopedValue<DefaultGenerator> CURRENT = ScopedValue.newInstance();

    private TorchGenerator generator;

    private DefaultGenerator(long seed) {
        generator = TorchGenerator.cpu(seed);
    }

    /** A run's default generator after {@code torch.manual_seed(seed)} (seed as an unsigned 64-bit value). */
    public static DefaultGenerator seeded(long seed) {
        return new DefaultGenerator(seed);
    }

    /** The generator bound to this thread by the sampling run in progress, if any. */
    public static Optional<DefaultGenerator> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    /** {@code torch.manual_seed(seed)}: the stream starts again from {@code seed}. */
    public void manualSeed(long seed) {
        TorchGenerator next = TorchGenerator.cpu(seed);
        generator().close();
        generator = next;
    }

    /** The generator in its current state; draws from it advance this run's stream. */
    public TorchGenerator generator() {
        if (generator == null) throw new IllegalStateException("the run's default generator is closed");
        return generator;
    }

    /** Runs {@code op} with this generator as {@link #current()} on this thread. */
    public <T, X extends Throwable> T during(ScopedValue.CallableOp<T, X> op) throws X {
        return ScopedValue.where(CURRENT, this).call(op);
    }

    @Override
    public void close() {
        if (generator != null) generator.close();
        generator = null;
    }
}
