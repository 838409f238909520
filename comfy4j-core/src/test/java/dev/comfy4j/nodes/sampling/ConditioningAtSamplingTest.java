package dev.comfy4j.nodes.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.unet.AreaCond;
import dev.comfy4j.model.unet.CfgDenoiser;
import dev.comfy4j.model.unet.ConditionedModel;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.conditioning.ConditioningCombine;
import dev.comfy4j.nodes.conditioning.ConditioningSetArea;
import dev.comfy4j.nodes.conditioning.ConditioningSetAreaPercentage;
import dev.comfy4j.nodes.conditioning.ConditioningSetAreaStrength;
import dev.comfy4j.nodes.conditioning.ConditioningSetMask;
import dev.comfy4j.nodes.conditioning.ConditioningSetTimestepRange;
import dev.comfy4j.sampling.CondResolver;
import dev.comfy4j.sampling.DiscreteModelSampling;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CONDITIONING nodes take effect while sampling: entries made by the real nodes go through the
 * KSampler's conversion, ComfyUI's {@code process_conds} and {@code calc_cond_batch} on a fake model
 * whose prediction is {@code 0.5 * x + mean(context)}, and the guided result is compared with the
 * weighting written out pixel by pixel in plain Java ({@link #expected}).
 */
class ConditioningAtSamplingTest {
    private static final ModelSampling SD15 = DiscreteModelSampling.sd15();
    private static final int H = 16;
    private static final int W = 16;
    private static final int C = 4;

    /** 0.5 x + the context's mean, per batch element; counts its calls and batch sizes. */
    private static final class MeanModel implements ConditionedModel {
        final List<Long> batches = new ArrayList<>();

        @Override
        public Tensor applyModel(Tensor x, Tensor sigma, Tensor context) {
            batches.add(x.size(0));
            try (TensorScope scope = TensorScope.open()) {
                Tensor mean = context.mean(new long[]{1, 2}, false).reshape(x.size(0), 1, 1, 1);
                return scope.keep(x.mul(0.5).add(mean));
            }
        }

        @Override
        public double memoryRequired(long[] shape) {
            return 1;
        }
    }

    /** A context whose mean is {@code value}. */
    private static Tensor context(double value) {
        return Tensor.full(value, DType.F32, 1, 3, 8);
    }

    private static Conditioning text(double value) {
        return Conditioning.of(context(value), Map.of());
    }

    private static Conditioning run(Node node, Map<String, Object> inputs) {
        try {
            return (Conditioning) node.execute(NodeInputs.of(new LinkedHashMap<>(inputs)), null).values().get(0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** x[0, c, y, x] = a smooth pattern, so the crops matter. */
    private static float[] latent() {
        float[] v = new float[C * H * W];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i * 0.37) * 2;
        return v;
    }

    /** One entry of the independent calculation: its value, its weight per pixel (0 outside its area). */
    private record Weighted(double value, double[][] weight) {}

    /** ComfyUI's mix of one side written out: sum(w * (0.5 x + v)) / (sum(w) + 1e-37) per pixel. */
    private static double[] side(float[] x, List<Weighted> entries) {
        double[] out = new double[x.length];
        for (int c = 0; c < C; c++) {
            for (int y = 0; y < H; y++) {
                for (int xx = 0; xx < W; xx++) {
                    int i = (c * H + y) * W + xx;
                    double sum = 0;
                    double count = 1e-37;
                    for (Weighted e : entries) {
                        sum += e.weight()[y][xx] * (0.5 * x[i] + e.value());
                        count += e.weight()[y][xx];
                    }
                    out[i] = sum / count;
                }
            }
        }
        return out;
    }

    private static double[] expected(float[] x, List<Weighted> positive, List<Weighted> negative, double cfg) {
        double[] p = side(x, positive);
        double[] n = side(x, negative);
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) out[i] = n[i] + (p[i] - n[i]) * cfg;
        return out;
    }

    private static double[][] whole(double weight) {
        double[][] w = new double[H][W];
        for (double[] row : w) java.util.Arrays.fill(row, weight);
        return w;
    }

    /** An area's weights: strength inside, linear ramps of min(8, side / 4) pixels at inner edges, 0 outside. */
    private static double[][] area(int h, int w, int y0, int x0, double strength) {
        double[][] out = new double[H][W];
        int rampY = Math.min(8, h / 4);
        int rampX = Math.min(8, w / 4);
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                double f = strength;
                int fromTop = y - y0;
                int fromBottom = y0 + h - 1 - y;
                int fromLeft = x - x0;
                int fromRight = x0 + w - 1 - x;
                if (y0 != 0 && fromTop < rampY) f *= (fromTop + 1.0) / rampY;
                if (y0 + h < H && fromBottom < rampY) f *= (fromBottom + 1.0) / rampY;
                if (x0 != 0 && fromLeft < rampX) f *= (fromLeft + 1.0) / rampX;
                if (x0 + w < W && fromRight < rampX) f *= (fromRight + 1.0) / rampX;
                out[y][x] = f;
            }
        }
        return out;
    }

    private static float[] guide(MeanModel model, Conditioning positive, Conditioning negative, float[] x, double sigma,
            double cfg, CfgDenoiser denoiser) {
        CondResolver.Resolved conds = CondResolver.resolve(SamplingConds.of(positive), SamplingConds.of(negative), H, W, SD15);
        Tensor xt = Tensor.fromFloats(x, 1, C, H, W);
        return denoiser.denoise(model, xt, Tensor.full(sigma, DType.F32, 1), conds.positive(), conds.negative(), cfg)
                .toFloatArray();
    }

    private static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    @Test
    void combinedAreasAreFeatheredWeightedAndNormalised() {
        try (TensorScope ignored = TensorScope.open()) {
            Conditioning area = run(new ConditioningSetArea(), Map.of("conditioning", text(3.0),
                    "width", 64L, "height", 64L, "x", 48L, "y", 32L, "strength", 2.0));
            Conditioning strong = run(new ConditioningSetAreaStrength(), Map.of("conditioning", text(-2.0), "strength", 3.0));
            Conditioning positive = run(new ConditioningCombine(), Map.of("conditioning_1",
                    run(new ConditioningCombine(), Map.of("conditioning_1", text(1.0), "conditioning_2", area)),
                    "conditioning_2", strong));
            Conditioning negative = text(-1.0);
            float[] x = latent();
            MeanModel model = new MeanModel();
            float[] actual = guide(model, positive, negative, x, 3.0, 7.5, new CfgDenoiser(() -> Long.MAX_VALUE));
            // the 8x8 area at (y 4, x 6) gets a negative twin with the negative's context
            double[] want = expected(x,
                    List.of(new Weighted(1.0, whole(1)), new Weighted(3.0, area(8, 8, 4, 6, 2.0)), new Weighted(-2.0, whole(3))),
                    List.of(new Weighted(-1.0, whole(1)), new Weighted(-1.0, area(8, 8, 4, 6, 2.0))), 7.5);
            assertClose(actual, want);
            // whole-image entries of both sides share one call, the two 8x8 crops another
            assertThat(model.batches).containsExactlyInAnyOrder(3L, 2L);

            MeanModel separate = new MeanModel();
            float[] oneByOne = guide(separate, positive, negative, x, 3.0, 7.5, new CfgDenoiser(() -> 0L));
            assertThat(separate.batches).containsOnly(1L).hasSize(5);
            assertClose(oneByOne, want);
        }
    }

    @Test
    void percentageAreasResolveToLatentUnits() {
        try (TensorScope ignored = TensorScope.open()) {
            Conditioning area = run(new ConditioningSetAreaPercentage(), Map.of("conditioning", text(5.0),
                    "width", 0.25, "height", 0.5, "x", 0.5, "y", 0.25, "strength", 1.0));
            AreaCond resolved = CondResolver.resolve(SamplingConds.of(area), List.of(), H, W, SD15).positive().get(0);
            assertThat(resolved.area()).containsExactly(8, 4, 4, 8);
            float[] x = latent();
            Conditioning positive = run(new ConditioningCombine(), Map.of("conditioning_1", text(1.0), "conditioning_2", area));
            float[] actual = guide(new MeanModel(), positive, text(0.0), x, 1.0, 1.0, new CfgDenoiser());
            // cfg 1: the negative is not run, the result is the positive mix
            assertClose(actual, expected(x, List.of(new Weighted(1.0, whole(1)), new Weighted(5.0, area(8, 4, 4, 8, 1.0))),
                    List.of(), 1.0));
        }
    }

    @Test
    void masksWeightTheWholeImageOrTheirBounds() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] m = new float[H * W];
            double[][] weights = new double[H][W];
            for (int y = 5; y < 9; y++) {
                for (int x = 2; x < 13; x++) {
                    m[y * W + x] = (y + x) / 20f;
                    weights[y][x] = m[y * W + x] * 0.5;
                }
            }
            Tensor mask = Tensor.fromFloats(m, H, W);
            float[] x = latent();
            Conditioning masked = run(new ConditioningSetMask(), Map.of("conditioning", text(4.0), "mask", mask,
                    "strength", 0.5, "set_cond_area", "default"));
            Conditioning positive = run(new ConditioningCombine(), Map.of("conditioning_1", text(1.0), "conditioning_2", masked));
            double[] want = expected(x, List.of(new Weighted(1.0, whole(1)), new Weighted(4.0, weights)),
                    List.of(new Weighted(-1.0, whole(1))), 3.0);
            assertClose(guide(new MeanModel(), positive, text(-1.0), x, 2.0, 3.0, new CfgDenoiser()), want);

            // "mask bounds": the crop is the mask's box (4 rows grown to 8, 11 columns), weighted by the mask alone;
            // the negative gets a masked twin there with its own context
            Conditioning bounded = run(new ConditioningSetMask(), Map.of("conditioning", text(4.0), "mask", mask,
                    "strength", 0.5, "set_cond_area", "mask bounds"));
            AreaCond resolved = CondResolver.resolve(SamplingConds.of(bounded), List.of(), H, W, SD15).positive().get(0);
            assertThat(resolved.area()).containsExactly(8, 11, 5, 2);
            Conditioning positive2 = run(new ConditioningCombine(), Map.of("conditioning_1", text(1.0), "conditioning_2", bounded));
            double[] want2 = expected(x, List.of(new Weighted(1.0, whole(1)), new Weighted(4.0, weights)),
                    List.of(new Weighted(-1.0, whole(1)), new Weighted(-1.0, weights)), 3.0);
            assertClose(guide(new MeanModel(), positive2, text(-1.0), x, 2.0, 3.0, new CfgDenoiser()), want2);
        }
    }

    @Test
    void timestepRangesSwitchEntriesOnAndOffBySigma() {
        try (TensorScope ignored = TensorScope.open()) {
            // applies in the second half of the schedule only: sigma at or below percent_to_sigma(0.5)
            Conditioning late = run(new ConditioningSetTimestepRange(), Map.of("conditioning", text(9.0), "start", 0.5, "end", 1.0));
            double boundary = CondResolver.percentToSigma(SD15, 0.5);
            assertThat(boundary).isCloseTo(SD15.sigma(499.5), org.assertj.core.api.Assertions.within(1e-6));
            assertThat(boundary).isBetween(1.0, 2.0);
            Conditioning positive = run(new ConditioningCombine(), Map.of("conditioning_1", text(1.0), "conditioning_2", late));
            float[] x = latent();
            double[] early = expected(x, List.of(new Weighted(1.0, whole(1))), List.of(new Weighted(0.0, whole(1))), 2.0);
            double[] after = expected(x, List.of(new Weighted(1.0, whole(1)), new Weighted(9.0, whole(1))),
                    List.of(new Weighted(0.0, whole(1))), 2.0);
            assertClose(guide(new MeanModel(), positive, text(0.0), x, 10.0, 2.0, new CfgDenoiser()), early);
            assertClose(guide(new MeanModel(), positive, text(0.0), x, 0.5, 2.0, new CfgDenoiser()), after);
            // percent 0 is above every sigma, 1 below: the full range never filters
            assertThat(CondResolver.percentToSigma(SD15, 0.0)).isGreaterThan(1e8);
            assertThat(CondResolver.percentToSigma(SD15, 1.0)).isZero();
        }
    }

    @Test
    void aSideWhoseEntriesAreAllFilteredPredictsZero() {
        try (TensorScope ignored = TensorScope.open()) {
            Conditioning late = run(new ConditioningSetTimestepRange(), Map.of("conditioning", text(9.0), "start", 0.9, "end", 1.0));
            float[] x = latent();
            float[] out = guide(new MeanModel(), late, text(0.0), x, 10.0, 2.0, new CfgDenoiser());
            // cond 0, uncond 0.5 x: 0.5x + (0 - 0.5x) * 2 = -0.5 x
            double[] want = new double[x.length];
            for (int i = 0; i < x.length; i++) want[i] = -0.5 * x[i];
            assertClose(out, want);
        }
    }

    @Test
    void manyGuidedCallsWithAreasAndMasksKeepMemoryFlat() {
        // a 256x256 latent: one leaked latent-sized tensor per call would add 1 MB a call
        int size = 256;
        try (TensorScope outer = TensorScope.open()) {
            Conditioning area = run(new ConditioningSetArea(), Map.of("conditioning", text(3.0),
                    "width", 512L, "height", 1024L, "x", 256L, "y", 512L, "strength", 2.0));
            Tensor mask = Tensor.full(0.5, DType.F32, 1, 64, 64);
            Conditioning masked = run(new ConditioningSetMask(), Map.of("conditioning", text(4.0), "mask", mask,
                    "strength", 0.5, "set_cond_area", "mask bounds"));
            Conditioning positive = run(new ConditioningCombine(), Map.of("conditioning_1",
                    run(new ConditioningCombine(), Map.of("conditioning_1", text(1.0), "conditioning_2", area)),
                    "conditioning_2", masked));
            CondResolver.Resolved conds = CondResolver.resolve(SamplingConds.of(positive), SamplingConds.of(text(-1.0)),
                    size, size, SD15);
            Tensor x = Tensor.full(0.25, DType.F32, 1, C, size, size);
            Tensor sigma = Tensor.full(2.0, DType.F32, 1);
            CfgDenoiser denoiser = new CfgDenoiser();
            MeanModel model = new MeanModel();
            for (int i = 0; i < 20; i++) call(denoiser, model, x, sigma, conds);
            long before = settledRss();
            for (int i = 0; i < 200; i++) assertThat(call(denoiser, model, x, sigma, conds)).isEqualTo(1);
            long after = settledRss();
            assertThat(after - before).as("RSS growth over 200 calls").isLessThan(64L << 20);
        }
    }

    /** RSS after a collection and a trim of the native heap, so that only live memory counts. */
    private static long settledRss() {
        System.gc();
        dev.comfy4j.tensor.MemoryStats.trimNativeHeap();
        return dev.comfy4j.tensor.MemoryStats.currentRss();
    }

    private static int call(CfgDenoiser denoiser, MeanModel model, Tensor x, Tensor sigma, CondResolver.Resolved conds) {
        try (TensorScope scope = TensorScope.open()) {
            denoiser.denoise(model, x, sigma, conds.positive(), conds.negative(), 5.0);
            return scope.size();
        }
    }
}
