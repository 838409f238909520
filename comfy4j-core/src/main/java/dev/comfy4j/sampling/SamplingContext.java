package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TorchGenerator;

/**
 * One sampler run's surroundings: the seed of its step noise, the per-step listener (progress,
 * previews) and the interrupt check. Ancestral and other stochastic samplers draw their step noise
 * like k-diffusion's {@code default_noise_sampler}: a CPU generator seeded with the KSampler seed,
 * {@code randn} of the latent's shape per draw. Close it after the run to free the generator.
 */
public final class SamplingContext implements AutoCloseable {
    private final long seed;
    private final StepListener listener;
    private final Runnable interruptCheck;
    private TorchGenerator generator;
    private ModelSampling modelSampling;

    public SamplingContext(long seed, StepListener listener, Runnable interruptCheck) {
        this.seed = seed;
        this.listener = listener;
        this.interruptCheck = interruptCheck;
    }

    /** A context with no listener and no interrupts (tests, tools). */
    public static SamplingContext of(long seed) {
        return new SamplingContext(seed, StepListener.NONE, () -> {});
    }

    public long seed() {
        return seed;
    }

    /**
     * Sets the model's noise levels for samplers that need them ({@code sa_solver}'s default SDE
     * interval is a sampling-percent range); the KSampler pipeline sets it before sampling.
     */
    public SamplingContext withModelSampling(ModelSampling modelSampling) {
        this.modelSampling = modelSampling;
        return this;
    }

    /** The model's noise levels, when the run was given them. */
    public ModelSampling modelSampling() {
        if (modelSampling == null) throw new IllegalStateException("this sampler needs the model's noise levels (model_sampling)");
        return modelSampling;
    }

    /** The next standard-normal draw of {@code like}'s shape and dtype from the step-noise generator. */
    public Tensor stepNoise(Tensor like) {
        if (generator == null) generator = TorchGenerator.cpu(seed);
        return Tensor.randn(generator, like.dtype(), like.shape());
    }

    /** Throws when the run was interrupted; samplers call it before every step. */
    public void checkInterrupt() {
        interruptCheck.run();
    }

    /** Reports a finished step to the listener (samplers with their own loop call it once per step). */
    public void stepCallback(int step, int total, Tensor x, Tensor denoised) {
        listener.onStep(step, total, x, denoised);
    }

    @Override
    public void close() {
        if (generator != null) generator.close();
        generator = null;
    }
}
