package dev.comfy4j.sampling;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;

/**
 * ComfyUI's {@code BrownianTreeNoiseSampler} (used by {@code dpmpp_sde} and the {@code dpmpp_2m_sde} /
 * {@code dpmpp_3m_sde} families): one Brownian motion W over [sigma_min, sigma_max] per run, seeded
 * with the KSampler seed, so that noise for overlapping intervals (the SDE samplers ask for
 * [sigma, sigma_mid] and then [sigma, sigma_next]) is consistent. A call returns
 * (W(sigma_next) - W(sigma)) / sqrt(|sigma_next - sigma|), a standard normal for every interval.
 *
 * <p>W is a function of t alone, built like torchsde's Brownian tree: W(t0) = 0, W(t1) ~ N(0, t1 - t0),
 * and the value at the midpoint of a dyadic interval [a, b] is the Brownian bridge sample
 * (W(a) + W(b)) / 2 + sqrt(b - a) / 2 * z, where z is drawn from a CPU generator seeded with a hash of
 * (seed, depth, position). A query point is reached by bisection down to an interval narrower than
 * {@link #TOLERANCE}, where one last bridge sample (seeded by the point itself) gives W(t). So the noise
 * depends only on the seed and the sigmas, never on the order of queries. The values are not those of
 * torchsde (whose {@code BrownianInterval} derives its per-interval seeds from numpy's SeedSequence and
 * caches intervals in another layout): same distribution and correlations, different draws; see
 * docs/compatibility.md.
 */
public final class BrownianTreeNoise implements NoiseSampler, AutoCloseable {
    /** torchsde's default tolerance of {@code BrownianTree}. */
    static final double TOLERANCE = 1e-6;
    private static final int MAX_DEPTH = 60;

    private final long seed;
    private final double t0;
    private final double t1;
    private final long[] shape;
    private final DType dtype;
    private final Tensor w1;

    /**
     * @param like the latent whose shape and dtype the noise takes
     * @param sigmaMin the low end (ComfyUI: the smallest sigma above 0)
     * @param sigmaMax the high end (the largest sigma)
     */
    public BrownianTreeNoise(Tensor like, double sigmaMin, double sigmaMax, long seed) {
        if (!(sigmaMin < sigmaMax)) throw new IllegalArgumentException("the Brownian tree needs sigma_min < sigma_max");
        this.seed = seed;
        this.t0 = sigmaMin;
        this.t1 = sigmaMax;
        this.shape = like.shape();
        this.dtype = like.dtype();
        try (TensorScope scope = TensorScope.open()) {
            this.w1 = scope.keep(draw(mix(seed, 0, 0)).mul(Math.sqrt(t1 - t0))).escapeScope();
        }
    }

    /** For a run over {@code sigmas}: from the smallest positive sigma to the largest. */
    public static BrownianTreeNoise forSigmas(Tensor like, float[] sigmas, long seed) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float s : sigmas) {
            if (s > 0) min = Math.min(min, s);
            max = Math.max(max, s);
        }
        return new BrownianTreeNoise(like, min, max, seed);
    }

    @Override
    public Tensor sample(double sigma, double sigmaNext) {
        try (TensorScope scope = TensorScope.open()) {
            double lo = Math.min(sigma, sigmaNext);
            double hi = Math.max(sigma, sigmaNext);
            // BatchedBrownianTree: W(hi) - W(lo), negated when the query runs downwards
            Tensor w = valueAt(hi).sub(valueAt(lo));
            if (sigmaNext < sigma) w = w.neg();
            return scope.keep(w.div(Math.sqrt(Math.abs(sigmaNext - sigma))));
        }
    }

    /** W(t), with t clamped into [t0, t1]; the result belongs to the caller's scope. */
    Tensor valueAt(double t) {
        double tc = Math.min(Math.max(t, t0), t1);
        if (tc == t0) return Tensor.zeros(dtype, shape);
        if (tc == t1) return w1.clone();
        try (TensorScope scope = TensorScope.open()) {
            double a = t0;
            double b = t1;
            Tensor wa = Tensor.zeros(dtype, shape);
            Tensor wb = w1;
            long position = 0;
            for (int depth = 1; depth <= MAX_DEPTH && b - a > TOLERANCE; depth++) {
                double mid = 0.5 * (a + b);
                Tensor wm = wa.add(wb).mul(0.5).add(draw(mix(seed, depth, position)).mul(0.5 * Math.sqrt(b - a)));
                if (tc == mid) return scope.keep(wm);
                if (tc < mid) {
                    b = mid;
                    wb = wm;
                    position = position * 2;
                } else {
                    a = mid;
                    wa = wm;
                    position = position * 2 + 1;
                }
            }
            // the bridge from (a, W(a)) to (b, W(b)) at t: mean by linear interpolation, variance (t-a)(b-t)/(b-a)
            double f = (tc - a) / (b - a);
            double std = Math.sqrt((tc - a) * (b - tc) / (b - a));
            Tensor z = draw(mix(seed, MAX_DEPTH + 1, Double.doubleToLongBits(tc)));
            return scope.keep(wa.mul(1 - f).add(wb.mul(f)).add(z.mul(std)));
        }
    }

    private Tensor draw(long nodeSeed) {
        try (TorchGenerator g = TorchGenerator.cpu(nodeSeed)) {
            return Tensor.randn(g, dtype, shape);
        }
    }

    /** A SplitMix64 hash of the seed and a node's address, as the node's generator seed. */
    static long mix(long seed, long depth, long position) {
        long z = seed;
        z = splitMix(z ^ splitMix(depth * 0x9E3779B97F4A7C15L));
        z = splitMix(z ^ splitMix(position + 0x632BE59BD9B4E019L));
        return z;
    }

    private static long splitMix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Frees the root value; further calls are errors. */
    @Override
    public void close() {
        w1.close();
    }
}
