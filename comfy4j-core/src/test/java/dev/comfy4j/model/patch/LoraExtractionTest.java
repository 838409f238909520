package dev.comfy4j.model.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LoraSave's extraction against computations written out here: the full-rank factors reproduce the
 * difference, the rank-k product is the best rank-k approximation (the projection on the top k right
 * singular vectors, found by a Jacobi eigen-decomposition of D^T D in doubles), the quantile is torch's
 * linear interpolation over the sorted values, and the factors are clamped to it.
 */
class LoraExtractionTest {
    private final Random random = new Random(17);
    private TensorScope scope;

    @BeforeEach
    void open() {
        scope = TensorScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    @Test
    void atFullRankTheFactorsReproduceTheDifference() {
        int rows = 12, cols = 7;
        float[] d = gaussian(rows * cols);
        LoraExtraction.Truncated t = LoraExtraction.truncatedSvd(Tensor.fromFloats(d, rows, cols), 7);
        float[] product = Functional.matmul(t.u(), t.vh()).toFloatArray();
        for (int i = 0; i < d.length; i++) assertThat(product[i]).isCloseTo(d[i], within(1e-4f));
    }

    @Test
    void atLowRankTheProductIsTheBestRankKApproximation() {
        int rows = 10, cols = 8, k = 3;
        float[] d = gaussian(rows * cols);
        LoraExtraction.Truncated t = LoraExtraction.truncatedSvd(Tensor.fromFloats(d, rows, cols), k);
        assertThat(t.u().shape()).containsExactly(rows, k);
        assertThat(t.vh().shape()).containsExactly(k, cols);
        float[] product = Functional.matmul(t.u(), t.vh()).toFloatArray();
        double[] want = bestRankK(d, rows, cols, k);
        for (int i = 0; i < d.length; i++) assertThat((double) product[i]).isCloseTo(want[i], within(1e-4));
    }

    /** D V_k V_k^T, V_k the eigenvectors of D^T D with the k largest eigenvalues (cyclic Jacobi, doubles). */
    private static double[] bestRankK(float[] d, int rows, int cols, int k) {
        double[][] a = new double[cols][cols];
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) s += (double) d[r * cols + i] * d[r * cols + j];
                a[i][j] = s;
            }
        }
        double[][] v = new double[cols][cols];
        for (int i = 0; i < cols; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            for (int p = 0; p < cols; p++) {
                for (int q = p + 1; q < cols; q++) {
                    if (Math.abs(a[p][q]) < 1e-15) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double tan = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) tan = 1;
                    double c = 1 / Math.sqrt(tan * tan + 1), s = tan * c;
                    for (int i = 0; i < cols; i++) {
                        double aip = a[i][p], aiq = a[i][q];
                        a[i][p] = c * aip - s * aiq;
                        a[i][q] = s * aip + c * aiq;
                    }
                    for (int i = 0; i < cols; i++) {
                        double api = a[p][i], aqi = a[q][i];
                        a[p][i] = c * api - s * aqi;
                        a[q][i] = s * api + c * aqi;
                    }
                    for (int i = 0; i < cols; i++) {
                        double vip = v[i][p], viq = v[i][q];
                        v[i][p] = c * vip - s * viq;
                        v[i][q] = s * vip + c * viq;
                    }
                }
            }
        }
        Integer[] order = new Integer[cols];
        for (int i = 0; i < cols; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[][] projector = new double[cols][cols];
        for (int n = 0; n < k; n++) {
            int e = order[n];
            for (int i = 0; i < cols; i++) for (int j = 0; j < cols; j++) projector[i][j] += v[i][e] * v[j][e];
        }
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int i = 0; i < cols; i++) s += d[r * cols + i] * projector[i][j];
                out[r * cols + j] = s;
            }
        }
        return out;
    }

    /** torch.quantile's rule: rank q*(n-1), linear interpolation between the sorted neighbours. */
    private static double quantile(float[] values, double q) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = q * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    @Test
    void theQuantileInterpolatesBetweenSortedNeighboursAsTorchDoes() {
        for (int n : new int[] {1, 2, 7, 100, 101, 1000, 4097}) {
            float[] v = gaussian(n);
            double got = LoraExtraction.quantile(Tensor.fromFloats(v, n), 0.99);
            assertThat(got).as("n=%d", n).isCloseTo(quantile(v, 0.99), within(1e-5));
        }
        float[] ramp = {4, 0, 3, 1, 2}; // sorted 0..4, rank 0.99 * 4 = 3.96
        assertThat(LoraExtraction.quantile(Tensor.fromFloats(ramp, 5), 0.99)).isCloseTo(3.96, within(1e-6));
    }

    @Test
    void theFactorsAreClampedToTheQuantileOfTheirValues() {
        int rows = 16, cols = 9, k = 5;
        float[] d = gaussian(rows * cols);
        d[3] = 40; // an outlier that makes large factor entries
        Tensor diff = Tensor.fromFloats(d, rows, cols);
        LoraExtraction.Truncated t = LoraExtraction.truncatedSvd(diff, k);
        float[] u = t.u().toFloatArray();
        float[] vh = t.vh().toFloatArray();
        float[] all = new float[u.length + vh.length];
        System.arraycopy(u, 0, all, 0, u.length);
        System.arraycopy(vh, 0, all, u.length, vh.length);
        double hi = quantile(all, 0.99);
        LoraExtraction.Factors f = LoraExtraction.extract(diff, k);
        float[] up = f.up().toFloatArray();
        float[] down = f.down().toFloatArray();
        int clamped = 0;
        for (int i = 0; i < u.length; i++) {
            double want = Math.max(-hi, Math.min(hi, u[i]));
            assertThat((double) up[i]).isCloseTo(want, within(1e-5));
            if (want != u[i]) clamped++;
        }
        for (int i = 0; i < vh.length; i++) assertThat((double) down[i]).isCloseTo(Math.max(-hi, Math.min(hi, vh[i])), within(1e-5));
        assertThat(clamped).isPositive();
    }

    @Test
    void convolutionsAreFlattenedAndTheRankIsCappedByTheChannels() {
        Tensor conv3 = Tensor.fromFloats(gaussian(6 * 4 * 3 * 3), 6, 4, 3, 3);
        LoraExtraction.Factors f = LoraExtraction.extract(conv3, 8);
        assertThat(f.up().shape()).containsExactly(6, 4, 1, 1);
        assertThat(f.down().shape()).containsExactly(4, 4, 3, 3);
        Tensor conv1 = Tensor.fromFloats(gaussian(5 * 7), 5, 7, 1, 1);
        LoraExtraction.Factors g = LoraExtraction.extract(conv1, 3);
        assertThat(g.up().shape()).containsExactly(5, 3, 1, 1);
        assertThat(g.down().shape()).containsExactly(3, 7, 1, 1);
        // A 1x1 convolution is the matrix of its channels: the same factors as for that matrix.
        LoraExtraction.Factors m = LoraExtraction.extract(conv1.reshape(5, 7), 3);
        assertThat(g.up().toFloatArray()).containsExactly(m.up().toFloatArray());
        assertThat(g.down().toFloatArray()).containsExactly(m.down().toFloatArray());
    }
}
