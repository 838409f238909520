package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's {@code BrownianTreeNoiseSampler} (used by {@code dpmpp_sde} and the {@code dpmpp_2m_sde} /
 * {@code dpmpp_3m_sde} families and their {@code _gpu} twins, which on CPU are the same): one Brownian
 * motion W over [sigma_min, sigma_max], torchsde's {@code BrownianTree} seeded with the sampling seed
 * ({@link BrownianInterval}), so the noise equals ComfyUI's draw for draw. A call returns
 * (W(sigma_next) - W(sigma)) / sqrt(|sigma_next - sigma|), a standard normal for every interval; the
 * sigmas are taken as float32, as ComfyUI's sigma tensors are, and the scaling runs in float32 too.
 */
public final class BrownianTreeNoise implements NoiseSampler, AutoCloseable {
    private final BrownianInterval interval;

    /**
     * @param like the latent whose shape and dtype the noise takes
     * @param sigmaMin the low end (ComfyUI: the smallest sigma above 0)
     * @param sigmaMax the high end (the largest sigma)
     * @param seed the sampling seed, as an unsigned 64-bit value
     */
    public BrownianTreeNoise(Tensor like, float sigmaMin, float sigmaMax, long seed) {
        if (!(sigmaMin < sigmaMax)) throw new IllegalArgumentException("the Brownian tree needs sigma_min < sigma_max");
        this.interval = new BrownianInterval(sigmaMin, sigmaMax, like.shape(), like.dtype(), NumpySeedSequence.unsigned(seed));
    }

    /** For a run over {@code sigmas}: from the smallest positive sigma to the largest. */
    public static BrownianTreeNoise forSigmas(Tensor like, float[] sigmas, long seed) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float s : sigmas) {
            if (s > 0) min = Math.min(min, s);
            max = Math.max(max, s);
        }
        return new BrownianTreeNoise(like, min, max, seed);
    }

    @Override
    public Tensor sample(double sigma, double sigmaNext) {
        float from = (float) sigma;
        float to = (float) sigmaNext;
        try (TensorScope scope = TensorScope.open()) {
            // BatchedBrownianTree: the increment over the sorted interval, negated when the query runs downwards
            Tensor w = to < from ? interval.increment(to, from).neg() : interval.increment(from, to);
            float scale = (float) Math.sqrt(Math.abs(to - from));
            return scope.keep(w.div(scale));
        }
    }

    @Override
    public void close() {
        interval.close();
    }
}
