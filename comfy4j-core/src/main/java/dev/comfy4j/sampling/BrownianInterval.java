package dev.comfy4j.sampling;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchsde's {@code BrownianTree} (a {@code BrownianInterval} with {@code halfway_tree=True},
 * {@code tol=1e-6}, {@code pool_size=24}, no Lévy area), value for value: the increments W(ta, tb) of
 * one Brownian motion over [t0, t1], the same tensors torchsde returns for the same entropy and queries.
 *
 * <p>The motion is a binary tree of intervals split at their (rounded) midpoints. The root's increment
 * is {@code randn(seed_W) * sqrt(t1 - t0)}; a child's is the Brownian-bridge sample
 * {@code left = (m - s) / (e - s) * W + sqrt((m - s)(e - m) / (e - s)) * randn(parent.seed)}, the right
 * child getting {@code W - left}. Every seed comes from numpy's SeedSequence of (entropy, spawn key,
 * depth), every normal draw from torch's CPU generator, every time is rounded to 6 decimals as Python's
 * {@code round(t, 6)} does, and the float32 arithmetic runs in the same order as torchsde's, so the
 * values are bit-identical. A query [ta, tb] is the sum, left to right, of the tree intervals that
 * tile it. Recent increments are kept in a 45-entry LRU cache as torchsde does (the values do not
 * depend on it; evicted tensors are freed after the query that evicted them).
 */
final class BrownianInterval implements AutoCloseable {
    private static final int POOL_SIZE = 24;
    private static final int CACHE_SIZE = 45;
    private static final int DECIMALS = 6;
    private static final int MAX_DEPTH = 62;

    private final BigInteger entropy;
    private final long[] shape;
    private final DType dtype;
    private final Interval root;
    private final Tensor rootIncrement;
    private final Map<Interval, Tensor> cache = new LinkedHashMap<>(64, 0.75f, true);
    private final List<Tensor> retired = new ArrayList<>();
    private Interval last;

    BrownianInterval(double t0, double t1, long[] shape, DType dtype, BigInteger entropy) {
        if (!(t0 < t1)) throw new IllegalArgumentException("the Brownian interval needs t0 < t1");
        this.entropy = entropy;
        this.shape = shape.clone();
        this.dtype = dtype;
        this.root = new Interval(t0, t1, null, false);
        this.root.spawnKey = 0;
        this.root.depth = 0;
        long rootSeed = new NumpySeedSequence(entropy, new long[0], POOL_SIZE).generateState(3)[0];
        try (TensorScope scope = TensorScope.open()) {
            this.rootIncrement = scope.keep(randn(rootSeed).mul(Math.sqrt(t1 - t0))).escapeScope();
        }
        this.last = root;
    }

    /**
     * W(tb) - W(ta) for t0 <= ta <= tb <= t1 (clamped into [t0, t1] as torchsde does), owned by the
     * caller's scope.
     */
    Tensor increment(double ta, double tb) {
        ta = Math.min(Math.max(ta, root.start), root.end);
        tb = Math.min(Math.max(tb, root.start), root.end);
        if (ta > tb) throw new IllegalArgumentException("query times must respect ta <= tb, got " + ta + " > " + tb);
        if (ta == tb) return Tensor.zeros(dtype, shape);
        try (TensorScope scope = TensorScope.open()) {
            List<Interval> tiles = new ArrayList<>();
            last.locate(round(ta), round(tb), tiles);
            last = tiles.getLast();
            Tensor w = valueOf(tiles.getFirst());
            for (int i = 1; i < tiles.size(); i++) w = w.add(valueOf(tiles.get(i)));
            // one tile is a tensor of the cache (or the root): the caller gets its own copy
            return scope.keep(tiles.size() > 1 ? w : w.clone());
        } finally {
            retired.forEach(Tensor::close);
            retired.clear();
        }
    }

    private Tensor valueOf(Interval interval) {
        if (interval == root) return rootIncrement;
        Tensor cached = cache.get(interval);
        if (cached != null) return cached;
        Interval parent = interval.parent;
        Tensor parentW = valueOf(parent);
        double hReciprocal = 1 / (parent.end - parent.start);
        double leftDiff = parent.midway - parent.start;
        double rightDiff = parent.end - parent.midway;
        Tensor w;
        try (TensorScope scope = TensorScope.open()) {
            Tensor mean = parentW.mul(leftDiff).mul(hReciprocal);
            double variance = leftDiff * rightDiff * hReciprocal;
            Tensor left = mean.add(randn(parent.wSeed).mul(Math.sqrt(variance)));
            w = scope.keep(interval.isLeft ? left : parentW.sub(left)).escapeScope();
        }
        cache.put(interval, w);
        if (cache.size() > CACHE_SIZE) {
            Iterator<Tensor> eldest = cache.values().iterator();
            retired.add(eldest.next());
            eldest.remove();
        }
        return w;
    }

    private Tensor randn(long seed) {
        try (TorchGenerator generator = TorchGenerator.cpu(seed)) {
            return Tensor.randn(generator, dtype, shape);
        }
    }

    /** Python's {@code round(x, 6)}: the exact binary value rounded half-even, read back correctly rounded. */
    static double round(double x) {
        return Double.parseDouble(new BigDecimal(x).setScale(DECIMALS, RoundingMode.HALF_EVEN).toPlainString());
    }

    @Override
    public void close() {
        rootIncrement.close();
        cache.values().forEach(Tensor::close);
        cache.clear();
    }

    /** One node of the tree: [start, end], split at {@code midway} once it has children. */
    private final class Interval {
        final double start;
        final double end;
        final Interval parent;
        final boolean isLeft;
        double midway = Double.NaN;
        long spawnKey;
        int depth;
        long wSeed;
        Interval left;
        Interval right;

        Interval(double start, double end, Interval parent, boolean isLeft) {
            this.start = round(start);
            this.end = round(end);
            this.parent = parent;
            this.isLeft = isLeft;
        }

        /** torchsde's {@code _loc_inner}: appends the intervals tiling [ta, tb], splitting where needed. */
        void locate(double ta, double tb, List<Interval> out) {
            if (ta < start || tb > end) {
                parent.locate(ta, tb, out);
                return;
            }
            if (ta == start && tb == end) {
                out.add(this);
                return;
            }
            if (Double.isNaN(midway)) {
                if (ta == start) {
                    split(tb);
                    left.locate(ta, tb, out);
                } else {
                    split(ta);
                    right.locate(ta, tb, out);
                }
                return;
            }
            if (tb <= midway) {
                left.locate(ta, tb, out);
            } else if (ta >= midway) {
                right.locate(ta, tb, out);
            } else {
                left.locate(ta, midway, out);
                right.locate(midway, tb, out);
            }
        }

        /** The halfway tree: split at the middle, then keep splitting the side that holds {@code point}. */
        private void split(double point) {
            splitExact(0.5 * (end + start));
            if (point > midway) right.split(point);
            else if (point < midway) left.split(point);
        }

        private void splitExact(double middle) {
            midway = round(middle);
            if (parent != null) {
                spawnKey = 2 * parent.spawnKey + (isLeft ? 0 : 1);
                depth = parent.depth + 1;
                if (depth > MAX_DEPTH) throw new IllegalStateException("Brownian tree deeper than " + MAX_DEPTH);
            }
            wSeed = new NumpySeedSequence(entropy, new long[]{spawnKey, depth}, POOL_SIZE).generateState(1)[0];
            left = new Interval(start, middle, this, true);
            right = new Interval(middle, end, this, false);
        }
    }
}
