package dev.comfy4j.nodes.modelpatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * ToMe's merge and unmerge against (1) values recorded from torch 1.13 running ComfyUI's sequence of torch calls on
 * the same inputs ({@code torch.manual_seed(3); randn(2, 16, 4)} as the metric, {@code torch.manual_seed(42)} before
 * the draw, r = 5 on a 4x4 grid) and (2) a plain loop implementation written here from ToMe's description, and the
 * cases where ComfyUI merges nothing (and draws nothing).
 */
class TokenMergingTest {
    /** Token positions of the dst tokens, the kept and the merged src tokens and their dst, per batch entry, from torch. */
    private static final long[] TORCH_DST = {4, 7, 8, 14};
    private static final long[] TORCH_SRC = {0, 1, 2, 3, 5, 6, 9, 10, 11, 12, 13, 15};
    private static final long[] TORCH_UNM_IDX = {7, 8, 0, 10, 2, 11, 4, 1, 9, 7, 6, 0, 8, 11};
    private static final long[] TORCH_SRC_IDX = {3, 1, 5, 6, 9, 4, 10, 2, 3, 5};
    private static final long[] TORCH_DST_IDX = {1, 1, 1, 0, 0, 1, 0, 1, 0, 0};
    /** float bits of merged[0, :4, :], the first four kept tokens (their order is by similarity, not position). */
    private static final int[] TORCH_MERGED_BITS = {-1098195805, 1041303310, 1040490578, 1060008181, -1082830035, 1031989921, 1059630741,
        1062324244, -1113786449, 1052263012, -1085787583, 1033010466, 1059447983, -1072376128, 1067604272, -1099019915};
    private static final double TORCH_MERGED_SUM = 3.5478920582681894;

    private static long[] at(long[] positions, long[] idx, int from, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) out[i] = positions[(int) idx[from + i]];
        return out;
    }

    @Test
    void matchesTorch() {
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(42)) {
            Tensor metric = Noise.prepare(3, new long[] {2, 16, 4}, null);
            // int(16 * 0.32) = 5 tokens merged
            TokenMerging.Matching m = TokenMerging.plan(metric, 0.32, new long[] {2, 4, 4, 4}, () -> g);
            assertThat(m.merged()).isEqualTo(5);
            long[] a = m.aIdx().toLongArray();
            long[] b = m.bIdx().toLongArray();
            // the dst tokens torch drew; the order of equal keys in an unstable argsort may differ between torch builds,
            // so positions are compared as tokens
            assertThat(new TreeSet<>(Arrays.stream(b).boxed().toList())).containsExactly(4L, 7L, 8L, 14L);
            assertThat(new TreeSet<>(Arrays.stream(a).boxed().toList())).containsExactlyElementsOf(
                    Arrays.stream(TORCH_SRC).boxed().toList());
            long[] unm = m.unmIdx().toLongArray();
            long[] src = m.srcIdx().toLongArray();
            long[] dst = m.dstIdx().toLongArray();
            for (int batch = 0; batch < 2; batch++) {
                assertThat(at(a, unm, batch * 7, 7)).isEqualTo(at(TORCH_SRC, TORCH_UNM_IDX, batch * 7, 7));
                assertThat(at(a, src, batch * 5, 5)).isEqualTo(at(TORCH_SRC, TORCH_SRC_IDX, batch * 5, 5));
                assertThat(at(b, dst, batch * 5, 5)).isEqualTo(at(TORCH_DST, TORCH_DST_IDX, batch * 5, 5));
            }
            Tensor merged = m.merge(metric);
            assertThat(merged.shape()).containsExactly(2, 11, 4);
            float[] values = merged.toFloatArray();
            for (int i = 0; i < TORCH_MERGED_BITS.length; i++) {
                assertThat(Float.floatToRawIntBits(values[i])).as("merged value %d", i).isEqualTo(TORCH_MERGED_BITS[i]);
            }
            double sum = 0;
            for (float v : values) sum += v;
            assertThat(sum).isCloseTo(TORCH_MERGED_SUM, within(1e-9));
        }
    }

    @Test
    void mergeAndUnmergeMatchALoopImplementation() {
        // a 6x5 grid (odd width: the last column has no cell and stays src), batch 2, 8 channels
        long h = 6;
        long w = 5;
        int n = (int) (h * w);
        int c = 8;
        int r = 9;
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(11); TorchGenerator same = TorchGenerator.cpu(11)) {
            Tensor x = Noise.prepare(5, new long[] {2, n, c}, null);
            TokenMerging.Matching m = TokenMerging.plan(x, (double) r / n + 1e-9, new long[] {2, 4, h, w}, () -> g);
            long[] cellChoice = Tensor.randint(same, 4, h / 2, w / 2, 1).toLongArray();
            float[] xs = x.toFloatArray();
            Tensor merged = m.merge(x);
            float[] got = merged.toFloatArray();
            long[] b = m.bIdx().toLongArray();
            assertThat(merged.shape()).containsExactly(2, n - r, c);

            // dst tokens: in cell (i, j) the one at (2i + k / 2, 2j + k % 2) for the drawn k
            List<Integer> dstTokens = new ArrayList<>();
            for (int i = 0; i < h / 2; i++) {
                for (int j = 0; j < w / 2; j++) {
                    long k = cellChoice[(int) (i * (w / 2) + j)];
                    dstTokens.add((int) ((2 * i + k / 2) * w + 2 * j + k % 2));
                }
            }
            assertThat(Arrays.stream(b).mapToObj(v -> (int) v).collect(Collectors.toSet())).containsExactlyInAnyOrderElementsOf(dstTokens);
            List<Integer> srcTokens = IntStream.range(0, n).filter(t -> !dstTokens.contains(t)).boxed().toList();

            float[] unmergedBack = m.unmerge(merged).toFloatArray();
            for (int batch = 0; batch < 2; batch++) {
                int base = batch * n * c;
                // each src token's most similar dst token by cosine similarity, and how similar
                int[] best = new int[srcTokens.size()];
                double[] bestScore = new double[srcTokens.size()];
                for (int s = 0; s < srcTokens.size(); s++) {
                    bestScore[s] = Double.NEGATIVE_INFINITY;
                    for (int d : dstTokens) {
                        double score = cosine(xs, base, srcTokens.get(s), d, c);
                        if (score > bestScore[s]) {
                            bestScore[s] = score;
                            best[s] = d;
                        }
                    }
                }
                Integer[] bySimilarity = IntStream.range(0, srcTokens.size()).boxed().toArray(Integer[]::new);
                Arrays.sort(bySimilarity, Comparator.comparingDouble(s -> -bestScore[s]));
                // the kept src tokens first, most similar first, unchanged
                int kept = srcTokens.size() - r;
                for (int i = 0; i < kept; i++) {
                    int token = srcTokens.get(bySimilarity[r + i]);
                    for (int ch = 0; ch < c; ch++) {
                        assertThat(got[(batch * (n - r) + i) * c + ch]).isEqualTo(xs[base + token * c + ch]);
                    }
                }
                // then every dst token (in the matching's dst order): the mean of itself and the src tokens merged into it,
                // summed in order of similarity as scatter_reduce adds them
                for (int i = 0; i < b.length; i++) {
                    int d = (int) b[i];
                    for (int ch = 0; ch < c; ch++) {
                        float total = xs[base + d * c + ch];
                        int count = 1;
                        for (int e = 0; e < r; e++) {
                            int s = bySimilarity[e];
                            if (best[s] == d) {
                                total += xs[base + srcTokens.get(s) * c + ch];
                                count++;
                            }
                        }
                        assertThat(got[(batch * (n - r) + kept + i) * c + ch]).isCloseTo(total / count, within(1e-6f));
                    }
                }
                // unmerge: kept and dst tokens get their own row back, a merged token its dst's row
                for (int t = 0; t < n; t++) {
                    int source = t;
                    int srcPos = srcTokens.indexOf(t);
                    if (srcPos >= 0 && Arrays.asList(bySimilarity).indexOf(srcPos) < r) source = best[srcPos];
                    int row = rowOf(source, dstTokens.contains(source), b, srcTokens, bySimilarity, kept, r);
                    for (int ch = 0; ch < c; ch++) {
                        assertThat(unmergedBack[base + t * c + ch]).isEqualTo(got[(batch * (n - r) + row) * c + ch]);
                    }
                }
            }
        }
    }

    /** The row of the merged tensor holding token {@code t}: a dst token after the kept ones, a kept src token by rank. */
    private static int rowOf(int t, boolean dst, long[] b, List<Integer> srcTokens, Integer[] bySimilarity, int kept, int r) {
        if (dst) {
            for (int i = 0; i < b.length; i++) if (b[i] == t) return kept + i;
        }
        int s = srcTokens.indexOf(t);
        return Arrays.asList(bySimilarity).indexOf(s) - r;
    }

    private static double cosine(float[] x, int base, int p, int q, int c) {
        double dot = 0;
        double np = 0;
        double nq = 0;
        for (int ch = 0; ch < c; ch++) {
            double u = x[base + p * c + ch];
            double v = x[base + q * c + ch];
            dot += u * v;
            np += u * u;
            nq += v * v;
        }
        return dot / Math.sqrt(np * nq);
    }

    @Test
    void mergesNothingAndDrawsNothingWhereComfyUiDoesNot() {
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(1)) {
            Tensor q = Tensor.zeros(DType.F32, 1, 64, 8);
            java.util.function.Supplier<TorchGenerator> none = () -> {
                throw new AssertionError("no draw expected");
            };
            assertThat(TokenMerging.plan(q, 0.0, new long[] {1, 4, 8, 8}, none)).isNull(); // r = 0
            assertThat(TokenMerging.plan(q, 0.01, new long[] {1, 4, 8, 8}, none)).isNull(); // int(0.64) = 0
            assertThat(TokenMerging.plan(q, 0.5, new long[] {1, 4, 16, 16}, none)).isNull(); // a downsampled level
            assertThat(TokenMerging.plan(q, 0.5, new long[] {1, 4, 1, 64}, none)).isNull(); // one token high
            Tensor wide = Tensor.zeros(DType.F32, 1, 16, 8);
            assertThat(TokenMerging.plan(wide, 0.5, new long[] {1, 4, 4, 4}, () -> g)).isNotNull();
        }
    }
}
