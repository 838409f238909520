package dev.comfy4j.nodes.modelpatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.options.CfgFunction;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.options.PostCfgFunction;
import dev.comfy4j.model.options.PreCfgFunction;
import dev.comfy4j.model.options.RunState;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each guidance patch against its formula written out here element by element in double precision, on small
 * tensors: RescaleCFG's std rescale, CFG-Zero*'s optimised scale, CFGNorm, Epsilon Scaling, APG's projection
 * and momentum, TCFG's tangential damping (singular vector by power iteration), FreeU's Fourier filter (a naive
 * 2-D DFT with ComfyUI's fftshift and mask) and backbone scaling.
 */
class PatchMathTest {
    private static final int B = 2;
    private static final int C = 4;
    private static final int H = 3;
    private static final int W = 5;
    private static final int N = C * H * W;

    private static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    private static Tensor t(float[] v) {
        return Tensor.fromFloats(v, B, C, H, W);
    }

    private static void assertClose(float[] got, double[] expected, double tolerance) {
        assertThat(got).hasSize(expected.length);
        for (int i = 0; i < got.length; i++) assertThat((double) got[i]).as("element " + i).isCloseTo(expected[i], within(tolerance));
    }

    private static double std(double[] v, int from, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) mean += v[from + i];
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (v[from + i] - mean) * (v[from + i] - mean);
        return Math.sqrt(ss / (n - 1));
    }

    @Test
    void rescaleCfgRescalesTheGuidedVPredictionToThePositivesStd() {
        float[] x = random(1, B * N);
        float[] cd = random(2, B * N);
        float[] ud = random(3, B * N);
        float[] sigma = {2.5f, 0.7f};
        double cfg = 6.0;
        double m = 0.7;
        try (TensorScope ignored = TensorScope.open()) {
            Tensor xt = t(x);
            Tensor cond = xt.sub(t(cd));
            Tensor uncond = xt.sub(t(ud));
            Tensor out = new RescaleCFG.Function(m).apply(new CfgFunction.Args(cond, uncond, cfg, Tensor.fromFloats(sigma, B), xt, t(cd), t(ud)));
            double[] expected = new double[B * N];
            for (int b = 0; b < B; b++) {
                double s = sigma[b];
                double[] vc = new double[N];
                double[] vcfg = new double[N];
                for (int i = 0; i < N; i++) {
                    int k = b * N + i;
                    double xs = x[k] / (s * s + 1);
                    vc[i] = (xs - cd[k]) * Math.sqrt(s * s + 1) / s;
                    double vu = (xs - ud[k]) * Math.sqrt(s * s + 1) / s;
                    vcfg[i] = vu + cfg * (vc[i] - vu);
                }
                double ratio = std(vc, 0, N) / std(vcfg, 0, N);
                for (int i = 0; i < N; i++) {
                    int k = b * N + i;
                    double fin = m * vcfg[i] * ratio + (1 - m) * vcfg[i];
                    double xs = x[k] / (s * s + 1);
                    expected[k] = x[k] - (xs - fin * s / Math.sqrt(s * s + 1));
                }
            }
            assertClose(out.toFloatArray(), expected, 1e-4);
        }
    }

    private static PostCfgFunction.Args postArgs(float[] denoised, float[] cd, float[] ud, float[] x, double cfg) {
        return new PostCfgFunction.Args(t(denoised), t(cd), t(ud), cfg, Tensor.fromFloats(new float[] {1f, 1f}, B), t(x),
                ModelOptions.NONE, (side, in, o) -> { throw new AssertionError("not used"); }, new RunState());
    }

    @Test
    void cfgZeroStarUsesTheOptimisedScaleOfTheTwoNoisePredictions() {
        float[] x = random(4, B * N);
        float[] cd = random(5, B * N);
        float[] ud = random(6, B * N);
        float[] den = random(7, B * N);
        double cfg = 5.0;
        try (TensorScope ignored = TensorScope.open()) {
            float[] got = new CfgPostFunctions.ZeroStar().apply(postArgs(den, cd, ud, x, cfg)).toFloatArray();
            double[] expected = new double[B * N];
            for (int b = 0; b < B; b++) {
                double dot = 0;
                double sq = 0;
                for (int i = b * N; i < (b + 1) * N; i++) {
                    dot += (x[i] - cd[i]) * (double) (x[i] - ud[i]);
                    sq += (x[i] - ud[i]) * (double) (x[i] - ud[i]);
                }
                double alpha = dot / (sq + 1e-8);
                for (int i = b * N; i < (b + 1) * N; i++) expected[i] = den[i] + ud[i] * (alpha - 1) + cfg * ud[i] * (1 - alpha);
            }
            assertClose(got, expected, 1e-4);
        }
    }

    @Test
    void cfgNormScalesByTheChannelNormRatioClampedToOne() {
        float[] cd = random(8, B * N);
        float[] den = random(9, B * N);
        for (int i = 0; i < den.length; i += 3) den[i] *= 3; // some pixels louder than the positive, some quieter
        try (TensorScope ignored = TensorScope.open()) {
            float[] got = new CfgPostFunctions.Norm(0.8).apply(postArgs(den, cd, cd, den, 7)).toFloatArray();
            double[] expected = new double[B * N];
            for (int b = 0; b < B; b++) {
                for (int p = 0; p < H * W; p++) {
                    double nc = 0;
                    double nd = 0;
                    for (int c = 0; c < C; c++) {
                        int k = b * N + c * H * W + p;
                        nc += cd[k] * (double) cd[k];
                        nd += den[k] * (double) den[k];
                    }
                    double scale = Math.min(1, Math.max(0, Math.sqrt(nc) / (Math.sqrt(nd) + 1e-8)));
                    for (int c = 0; c < C; c++) {
                        int k = b * N + c * H * W + p;
                        expected[k] = den[k] * scale * 0.8;
                    }
                }
            }
            assertClose(got, expected, 1e-5);
        }
    }

    @Test
    void epsilonScalingDividesTheGuidedNoise() {
        float[] x = random(10, B * N);
        float[] den = random(11, B * N);
        try (TensorScope ignored = TensorScope.open()) {
            float[] got = new CfgPostFunctions.EpsilonScaling(1.25).apply(postArgs(den, den, den, x, 7)).toFloatArray();
            double[] expected = new double[B * N];
            for (int i = 0; i < expected.length; i++) expected[i] = x[i] - (x[i] - den[i]) / 1.25;
            assertClose(got, expected, 1e-5);
        }
    }

    /** APG by hand for one step from the guidance g (already averaged): clip, project on the unit cond, recombine. */
    private static double[] apgCond(float[] cond, float[] uncond, double[] g, double eta, double threshold, double cfg) {
        double[] out = new double[B * N];
        for (int b = 0; b < B; b++) {
            double norm = 0;
            double cn = 0;
            for (int i = b * N; i < (b + 1) * N; i++) {
                norm += g[i] * g[i];
                cn += cond[i] * (double) cond[i];
            }
            double scale = threshold > 0 ? Math.min(1, threshold / Math.sqrt(norm)) : 1;
            cn = Math.sqrt(cn);
            double dot = 0;
            for (int i = b * N; i < (b + 1) * N; i++) dot += g[i] * scale * cond[i] / cn;
            for (int i = b * N; i < (b + 1) * N; i++) {
                double gi = g[i] * scale;
                double parallel = dot * cond[i] / cn;
                double modified = gi - parallel + eta * parallel;
                out[i] = uncond[i] + modified + (cond[i] - uncond[i]) / cfg;
            }
        }
        return out;
    }

    @Test
    void apgProjectsTheClippedGuidanceAndKeepsAMomentumAverageWithinARun() {
        float[] c1 = random(12, B * N);
        float[] u1 = random(13, B * N);
        float[] c2 = random(14, B * N);
        float[] u2 = random(15, B * N);
        double eta = 0.3;
        double threshold = 2.0;
        double momentum = 0.5;
        double cfg = 4.0;
        AdaptiveProjectedGuidance apg = new AdaptiveProjectedGuidance(eta, threshold, momentum);
        try (TensorScope ignored = TensorScope.open(); RunState run = new RunState()) {
            double[] g1 = new double[B * N];
            double[] g2 = new double[B * N];
            for (int i = 0; i < g1.length; i++) {
                g1[i] = c1[i] - u1[i];
                g2[i] = momentum * g1[i] + (c2[i] - u2[i]);
            }
            List<Tensor> step1 = apg.apply(new PreCfgFunction.Args(List.of(t(c1), t(u1)), false, cfg, Tensor.fromFloats(new float[] {5f, 5f}, B),
                    t(c1), run));
            assertClose(step1.get(0).toFloatArray(), apgCond(c1, u1, g1, eta, threshold, cfg), 1e-5);
            assertThat(step1.get(1).toFloatArray()).isEqualTo(u1);
            List<Tensor> step2 = apg.apply(new PreCfgFunction.Args(List.of(t(c2), t(u2)), false, cfg, Tensor.fromFloats(new float[] {3f, 3f}, B),
                    t(c2), run));
            assertClose(step2.get(0).toFloatArray(), apgCond(c2, u2, g2, eta, threshold, cfg), 1e-5);
            // a higher sigma starts over: the average is the guidance alone again
            double[] g3 = new double[B * N];
            for (int i = 0; i < g3.length; i++) g3[i] = c2[i] - u2[i];
            List<Tensor> step3 = apg.apply(new PreCfgFunction.Args(List.of(t(c2), t(u2)), false, cfg, Tensor.fromFloats(new float[] {9f, 9f}, B),
                    t(c2), run));
            assertClose(step3.get(0).toFloatArray(), apgCond(c2, u2, g3, eta, threshold, cfg), 1e-5);
        }
    }

    @Test
    void tcfgKeepsOnlyTheNegativesComponentAlongTheFirstSingularVector() {
        float[] x = random(16, B * N);
        float[] cd = random(17, B * N);
        float[] ud = random(18, B * N);
        for (int i = 0; i < ud.length; i++) ud[i] = 0.6f * cd[i] + 0.4f * ud[i]; // correlated, as real predictions are
        try (TensorScope ignored = TensorScope.open()) {
            List<Tensor> out = new TangentialDamping().apply(new PreCfgFunction.Args(List.of(t(cd), t(ud)), false, 7,
                    Tensor.fromFloats(new float[] {1f, 1f}, B), t(x), new RunState()));
            assertThat(out.get(0).toFloatArray()).isEqualTo(cd);
            double[] expected = new double[B * N];
            for (int b = 0; b < B; b++) {
                double[] u = new double[N];
                double[] c = new double[N];
                for (int i = 0; i < N; i++) {
                    u[i] = x[b * N + i] - ud[b * N + i];
                    c[i] = x[b * N + i] - cd[b * N + i];
                }
                // the top right singular vector of [u; c] by power iteration on A^T A
                double[] v = new double[N];
                java.util.Arrays.fill(v, 1);
                for (int it = 0; it < 500; it++) {
                    double du = 0;
                    double dc = 0;
                    for (int i = 0; i < N; i++) {
                        du += u[i] * v[i];
                        dc += c[i] * v[i];
                    }
                    double norm = 0;
                    for (int i = 0; i < N; i++) {
                        v[i] = du * u[i] + dc * c[i];
                        norm += v[i] * v[i];
                    }
                    norm = Math.sqrt(norm);
                    for (int i = 0; i < N; i++) v[i] /= norm;
                }
                double proj = 0;
                for (int i = 0; i < N; i++) proj += u[i] * v[i];
                for (int i = 0; i < N; i++) expected[b * N + i] = x[b * N + i] - proj * v[i];
            }
            assertClose(out.get(1).toFloatArray(), expected, 1e-4);
            // a skipped negative (cfg 1) is left alone
            List<Tensor> skipped = new TangentialDamping().apply(new PreCfgFunction.Args(List.of(t(cd), t(ud)), true, 1,
                    Tensor.fromFloats(new float[] {1f, 1f}, B), t(x), new RunState()));
            assertThat(skipped.get(1).toFloatArray()).isEqualTo(ud);
        }
    }

    /**
     * ComfyUI's Fourier_filter with a naive DFT: spectrum X[k] = sum x[n] e^{-2 pi i k n / N}, shifted by
     * floor(N/2), the block [c-1, c+1) of each axis (python slicing, so a negative start wraps) times scale,
     * unshifted, inverse transform, real part.
     */
    private static double[] naiveFourierFilter(float[] x, int planes, int h, int w, double scale) {
        double[] out = new double[x.length];
        for (int p = 0; p < planes; p++) {
            double[][] re = new double[h][w];
            double[][] im = new double[h][w];
            for (int ky = 0; ky < h; ky++) {
                for (int kx = 0; kx < w; kx++) {
                    for (int ny = 0; ny < h; ny++) {
                        for (int nx = 0; nx < w; nx++) {
                            double a = -2 * Math.PI * ((double) ky * ny / h + (double) kx * nx / w);
                            double v = x[p * h * w + ny * w + nx];
                            re[ky][kx] += v * Math.cos(a);
                            im[ky][kx] += v * Math.sin(a);
                        }
                    }
                }
            }
            // the mask, in shifted coordinates, mapped back to the frequency it covers
            double[][] mask = new double[h][w];
            for (double[] row : mask) java.util.Arrays.fill(row, 1);
            for (int sy : pythonSlice(h)) {
                for (int sx : pythonSlice(w)) mask[Math.floorMod(sy - h / 2, h)][Math.floorMod(sx - w / 2, w)] = scale;
            }
            for (int my = 0; my < h; my++) {
                for (int mx = 0; mx < w; mx++) {
                    double sum = 0;
                    for (int ky = 0; ky < h; ky++) {
                        for (int kx = 0; kx < w; kx++) {
                            double a = 2 * Math.PI * ((double) ky * my / h + (double) kx * mx / w);
                            sum += mask[ky][kx] * (re[ky][kx] * Math.cos(a) - im[ky][kx] * Math.sin(a));
                        }
                    }
                    out[p * h * w + my * w + mx] = sum / (h * w);
                }
            }
        }
        return out;
    }

    /** The indices of python's {@code [c - 1 : c + 1]} on an axis of length n, c = n // 2. */
    private static int[] pythonSlice(int n) {
        int c = n / 2;
        int start = c - 1 < 0 ? c - 1 + n : c - 1;
        int end = Math.min(c + 1, n);
        return java.util.stream.IntStream.range(start, Math.max(start, end)).toArray();
    }

    @Test
    void theFourierFilterScalesTheLowestFrequenciesAsComfyUisFft() {
        for (int[] size : new int[][] {{3, 5}, {4, 4}, {1, 6}, {2, 7}, {8, 6}}) {
            int h = size[0];
            int w = size[1];
            float[] x = random(19 + h * 10 + w, B * C * h * w);
            try (TensorScope ignored = TensorScope.open()) {
                float[] got = FourierFilter.lowFrequencies(Tensor.fromFloats(x, B, C, h, w), 0.2).toFloatArray();
                assertClose(got, naiveFourierFilter(x, B * C, h, w, 0.2), 1e-5);
            }
        }
    }

    @Test
    void freeUScalesTheFirstHalfOfTheBackboneAndFiltersTheSkip() {
        long mc = 2;
        float[] hv = random(30, B * 8 * H * W);
        float[] skip = random(31, B * 8 * H * W);
        try (TensorScope ignored = TensorScope.open()) {
            var r = new FreeU.Patch(mc, 1.5, 0.4, 1.2, 0.6, false).apply(Tensor.fromFloats(hv, B, 8, H, W), Tensor.fromFloats(skip, B, 8, H, W), null);
            float[] got = r.h().toFloatArray();
            for (int i = 0; i < hv.length; i++) {
                int channel = (i / (H * W)) % 8;
                assertThat(got[i]).isEqualTo(channel < 4 ? (float) (hv[i] * 1.5) : hv[i]);
            }
            assertClose(r.skip().toFloatArray(), naiveFourierFilter(skip, B * 8, H, W, 0.4), 1e-5);

            // V2: the factor is (b - 1) * normalised channel mean + 1, per pixel
            float[] hv2 = random(32, B * 4 * H * W);
            var r2 = new FreeU.Patch(mc, 1.5, 0.4, 1.2, 0.6, true).apply(Tensor.fromFloats(hv2, B, 4, H, W), Tensor.fromFloats(skip, B, 4, H * 2, W), null);
            float[] got2 = r2.h().toFloatArray();
            int plane = H * W;
            for (int b = 0; b < B; b++) {
                double[] mean = new double[plane];
                for (int p = 0; p < plane; p++) {
                    for (int c = 0; c < 4; c++) mean[p] += hv2[b * 4 * plane + c * plane + p] / 4.0;
                }
                double min = java.util.Arrays.stream(mean).min().orElseThrow();
                double max = java.util.Arrays.stream(mean).max().orElseThrow();
                for (int c = 0; c < 4; c++) {
                    for (int p = 0; p < plane; p++) {
                        int k = b * 4 * plane + c * plane + p;
                        double expected = c < 2 ? hv2[k] * ((1.2 - 1) * (mean[p] - min) / (max - min) + 1) : hv2[k];
                        assertThat((double) got2[k]).isCloseTo(expected, within(1e-5));
                    }
                }
            }
            // features of another width pass through untouched
            Tensor other = Tensor.fromFloats(hv2, B, 4, H, W);
            assertThat(new FreeU.Patch(3, 1.5, 0.4, 1.2, 0.6, false).apply(other, other, null).h()).isSameAs(other);
        }
    }
}
