package dev.comfy4j.model.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GLoRA, OFT and BOFT against their formulas written out with plain loops in doubles (ComfyUI's
 * {@code comfy/weight_adapter/glora.py}, {@code oft.py}, {@code boft.py}), and the keys that select them.
 */
class MoreWeightAdaptersTest {
    private final Random random = new Random(23);
    private TensorScope scope;

    @BeforeEach
    void open() {
        scope = TensorScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private float[] values(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (random.nextGaussian() * scale);
        return v;
    }

    private static double[] matmul(double[] a, double[] b, int rows, int inner, int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < inner; k++) s += a[i * inner + k] * b[k * cols + j];
                out[i * cols + j] = s;
            }
        }
        return out;
    }

    private static double[] d(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    private static void assertClose(Tensor got, double[] want) {
        float[] g = got.toFloatArray();
        assertThat(g).hasSize(want.length);
        for (int i = 0; i < g.length; i++) assertThat((double) g[i]).as("element %d", i).isCloseTo(want[i], within(2e-4));
    }

    // ---- GLoRA ---------------------------------------------------------------------------------

    @Test
    void gloraAddsTheWeightTransformedByA1A2PlusB1B2() {
        int out = 5, in = 4, r = 2;
        float[] w = values(out * in, 1), a1 = values(in * r, 0.5), a2 = values(r * in, 0.5), b1 = values(out * r, 0.5),
                b2 = values(r * in, 0.5);
        double[] wa = matmul(matmul(d(w), d(a1), out, in, r), d(a2), out, r, in);
        double[] bb = matmul(d(b1), d(b2), out, r, in);
        double scale = 3.0 / r * 0.6;
        double[] want = new double[out * in];
        for (int i = 0; i < want.length; i++) want[i] = w[i] + scale * (wa[i] + bb[i]);
        Tensor weight = Tensor.fromFloats(w.clone(), out, in);
        new GloraAdapter(Tensor.fromFloats(a1, in, r), Tensor.fromFloats(a2, r, in), Tensor.fromFloats(b1, out, r),
                Tensor.fromFloats(b2, r, in), 3.0, null).applyTo(weight, 0.6);
        assertClose(weight, want);
    }

    @Test
    void gloraOnAConvolutionTransformsItsInputChannels() {
        int out = 3, in = 2, k = 3, r = 2;
        float[] w = values(out * in * k * k, 1), a1 = values(in * r, 0.5), a2 = values(r * in, 0.5), b1 = values(out * r, 0.5),
                b2 = values(r * in * k * k, 0.5);
        double[] a = matmul(d(a1), d(a2), in, r, in);
        double[] bb = matmul(d(b1), d(b2), out, r, in * k * k);
        double[] want = new double[w.length];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < in; j++) {
                for (int h = 0; h < k * k; h++) {
                    double s = 0;
                    for (int i = 0; i < in; i++) s += w[(o * in + i) * k * k + h] * a[i * in + j];
                    int idx = (o * in + j) * k * k + h;
                    want[idx] = w[idx] + (s + bb[idx]); // no alpha: scale 1, strength 1
                }
            }
        }
        Tensor weight = Tensor.fromFloats(w.clone(), out, in, k, k);
        new GloraAdapter(Tensor.fromFloats(a1, in, r), Tensor.fromFloats(a2, r, in), Tensor.fromFloats(b1, out, r, 1, 1),
                Tensor.fromFloats(b2, r, in, k, k), null, null).applyTo(weight, 1.0);
        assertClose(weight, want);
    }

    @Test
    void oldLycorisGloraMultipliesOnTheOtherSide() {
        int out = 4, in = 3, r = 2;
        // old layout: a1 [r, in], a2 [in, r], b1 [r, in], b2 [out, r]
        float[] w = values(out * in, 1), a1 = values(r * in, 0.5), a2 = values(in * r, 0.5), b1 = values(r * in, 0.5),
                b2 = values(out * r, 0.5);
        double[] wa = matmul(matmul(d(w), d(a2), out, in, r), d(a1), out, r, in);
        double[] bb = matmul(d(b2), d(b1), out, r, in);
        double[] want = new double[out * in];
        for (int i = 0; i < want.length; i++) want[i] = w[i] + 2.0 * (1.0 / r) * (wa[i] + bb[i]);
        Tensor weight = Tensor.fromFloats(w.clone(), out, in);
        GloraAdapter glora = new GloraAdapter(Tensor.fromFloats(a1, r, in), Tensor.fromFloats(a2, in, r), Tensor.fromFloats(b1, r, in),
                Tensor.fromFloats(b2, out, r), 1.0, null);
        assertThat(glora.oldLayout(weight.shape())).isTrue();
        assertThat(glora.misfit(weight.shape())).isNull();
        glora.applyTo(weight, 2.0);
        assertClose(weight, want);
    }

    // ---- OFT / BOFT ------------------------------------------------------------------------------

    /** (I + Q)(I - Q)^-1 of one n x n block given as B (Q = B - B^T, scaled by {@code factor}), Gauss-Jordan inverse. */
    private static double[] cayley(double[] block, int n, double factor) {
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) q[i * n + j] = (block[i * n + j] - block[j * n + i]) * factor;
        double[] plus = new double[n * n];
        double[][] minus = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                plus[i * n + j] = (i == j ? 1 : 0) + q[i * n + j];
                minus[i][j] = (i == j ? 1 : 0) - q[i * n + j];
            }
            minus[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int rr = c + 1; rr < n; rr++) if (Math.abs(minus[rr][c]) > Math.abs(minus[pivot][c])) pivot = rr;
            double[] t = minus[c];
            minus[c] = minus[pivot];
            minus[pivot] = t;
            double p = minus[c][c];
            for (int j = 0; j < 2 * n; j++) minus[c][j] /= p;
            for (int rr = 0; rr < n; rr++) {
                if (rr == c) continue;
                double f = minus[rr][c];
                for (int j = 0; j < 2 * n; j++) minus[rr][j] -= f * minus[c][j];
            }
        }
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) inv[i * n + j] = minus[i][n + j];
        return matmul(plus, inv, n, n, n);
    }

    /** The factor ComfyUI's constraint puts on Q: alpha / (||Q|| + 1e-8) when that norm exceeds alpha. */
    private static double constraint(float[] blocks, int count, int n, double alpha) {
        if (alpha <= 0) return 1;
        double sq = 0;
        for (int b = 0; b < count; b++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double q = blocks[b * n * n + i * n + j] - blocks[b * n * n + j * n + i];
                    sq += q * q;
                }
            }
        }
        double norm = Math.sqrt(sq) + 1e-8;
        return norm > alpha ? alpha / norm : 1;
    }

    private double[] oftExpected(float[] w, float[] blocks, int count, int n, int cols, double alpha, double strength) {
        double factor = constraint(blocks, count, n, alpha);
        double[] want = d(w);
        for (int k = 0; k < count; k++) {
            double[] block = new double[n * n];
            for (int i = 0; i < n * n; i++) block[i] = blocks[k * n * n + i];
            double[] r = cayley(block, n, factor);
            for (int m = 0; m < n; m++) {
                for (int c = 0; c < cols; c++) {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += (strength * r[i * n + m] - strength * (i == m ? 1 : 0)) * w[(k * n + i) * cols + c];
                    want[(k * n + m) * cols + c] += strength * s;
                }
            }
        }
        return want;
    }

    @Test
    void oftRotatesBlocksOfRowsWithStrengthTwiceAsComfyUI() {
        int count = 2, n = 3, cols = 4;
        float[] w = values(count * n * cols, 1), blocks = values(count * n * n, 0.2);
        Tensor weight = Tensor.fromFloats(w.clone(), count * n, cols);
        new OftAdapter(Tensor.fromFloats(blocks, count, n, n), null, null, null).applyTo(weight, 0.7);
        assertClose(weight, oftExpected(w, blocks, count, n, cols, 0, 0.7));
    }

    @Test
    void oftScalesTheSkewPartDownToAlphaAndIgnoresRescale() {
        int count = 2, n = 2, cols = 3;
        float[] w = values(count * n * cols, 1), blocks = values(count * n * n, 1.0);
        double alpha = 0.05;
        assertThat(constraint(blocks, count, n, alpha)).isLessThan(1);
        Tensor weight = Tensor.fromFloats(w.clone(), count * n, 1, cols, 1);
        new OftAdapter(Tensor.fromFloats(blocks, count, n, n), Tensor.full(3.0, dev.comfy4j.tensor.DType.F32, count * n, 1, 1, 1),
                alpha, null).applyTo(weight, 1.0);
        assertClose(weight, oftExpected(w, blocks, count, n, cols, alpha, 1.0));
    }

    @Test
    void boftRunsTheButterflyStagesAndRescalesTheRows() {
        int stages = 2, count = 2, b = 2, rows = count * b, cols = 3;
        float[] w = values(rows * cols, 1), blocks = values(stages * count * b * b, 0.4), rescale = values(rows, 1);
        double strength = 0.8;
        double[] x = d(w);
        for (int s = 0; s < stages; s++) {
            int k = (1 << s) * (b / 2);
            int g = 2;
            // forward permutation: row a*(g*k) + gi*k + ki moves to a*(k*g) + ki*g + gi
            int[] to = new int[rows];
            for (int o = 0; o < rows; o++) {
                int a = o / (g * k), gi = (o / k) % g, ki = o % k;
                to[o] = a * (k * g) + ki * g + gi;
            }
            double[] permuted = new double[rows * cols];
            for (int o = 0; o < rows; o++) System.arraycopy(x, o * cols, permuted, to[o] * cols, cols);
            double[] rotated = new double[rows * cols];
            for (int blk = 0; blk < count; blk++) {
                double[] block = new double[b * b];
                for (int i = 0; i < b * b; i++) block[i] = blocks[(s * count + blk) * b * b + i];
                double[] r = cayley(block, b, 1);
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < b; j++) r[i * b + j] = r[i * b + j] * strength + (1 - strength) * (i == j ? 1 : 0);
                }
                for (int i = 0; i < b; i++) {
                    for (int c = 0; c < cols; c++) {
                        double sum = 0;
                        for (int j = 0; j < b; j++) sum += r[i * b + j] * permuted[(blk * b + j) * cols + c];
                        rotated[(blk * b + i) * cols + c] = sum;
                    }
                }
            }
            for (int o = 0; o < rows; o++) System.arraycopy(rotated, to[o] * cols, x, o * cols, cols);
        }
        double[] want = new double[rows * cols];
        for (int o = 0; o < rows; o++) {
            for (int c = 0; c < cols; c++) {
                int i = o * cols + c;
                want[i] = w[i] + strength * (x[i] * rescale[o] - w[i]);
            }
        }
        Tensor weight = Tensor.fromFloats(w.clone(), rows, cols);
        new BoftAdapter(Tensor.fromFloats(blocks, stages, count, b, b), Tensor.fromFloats(rescale, rows, 1), null, null)
                .applyTo(weight, strength);
        assertClose(weight, want);
    }

    @Test
    void theKeysSelectGloraOftAndBoftAndTheShapesAreChecked() {
        Map<String, Tensor> file = Map.of(
                "g.a1.weight", Tensor.fromFloats(values(4 * 2, 1), 4, 2), "g.a2.weight", Tensor.fromFloats(values(2 * 4, 1), 2, 4),
                "g.b1.weight", Tensor.fromFloats(values(6 * 2, 1), 6, 2), "g.b2.weight", Tensor.fromFloats(values(2 * 4, 1), 2, 4),
                "o.oft_blocks", Tensor.fromFloats(values(2 * 3 * 3, 1), 2, 3, 3), "o.rescale", Tensor.fromFloats(values(6, 1), 6, 1),
                "b.oft_blocks", Tensor.fromFloats(values(2 * 2 * 2 * 2, 1), 2, 2, 2, 2), "b.alpha", Tensor.fromFloats(new float[] {0.5f}));
        LoraFormat format = LoraFormat.read(file, Map.of("g", "G.weight", "o", "O.weight", "b", "B.weight"));
        assertThat(format.unusedKeys()).isEmpty();
        assertThat(format.patches().get("G.weight")).isInstanceOf(GloraAdapter.class);
        assertThat(format.patches().get("O.weight")).isInstanceOf(OftAdapter.class);
        assertThat(format.patches().get("B.weight")).isInstanceOfSatisfying(BoftAdapter.class, a -> assertThat(a.alpha()).isEqualTo(0.5));
        assertThat(format.patches().get("G.weight").misfit(new long[] {6, 4})).isNull();
        assertThat(format.patches().get("G.weight").misfit(new long[] {6, 5})).isNotNull();
        assertThat(format.patches().get("O.weight").misfit(new long[] {6, 9, 3, 3})).isNull();
        assertThat(format.patches().get("O.weight").misfit(new long[] {8, 9})).contains("rotates 2 blocks of 3 rows");
        assertThat(format.patches().get("B.weight").misfit(new long[] {4, 7})).isNull();
        assertThat(format.patches().get("B.weight").misfit(new long[] {6, 7})).isNotNull();
    }
}
