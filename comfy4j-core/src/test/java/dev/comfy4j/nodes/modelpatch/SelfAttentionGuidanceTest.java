package dev.comfy4j.nodes.modelpatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.nn.Attention;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.options.PostCfgFunction;
import dev.comfy4j.model.options.RunState;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.model.options.TransformerPatches;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SelfAttentionGuidance's pieces against their formulas: the 9x9 Gaussian blur with reflect padding, the blur
 * map chosen by the attention each key pixel receives, the recording attention (plain attention, the negative
 * chunk's probabilities kept), and the post-CFG step on a fake prediction.
 */
class SelfAttentionGuidanceTest {
    private static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** Reflect padding index (no edge repeat), as F.pad's "reflect". */
    private static int reflect(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * (n - 1) - i;
        return i;
    }

    private static double[] naiveBlur(float[] img, int c, int h, int w, double sigma) {
        double[] k = new double[9];
        double sum = 0;
        for (int i = 0; i < 9; i++) {
            double x = i - 4;
            k[i] = Math.exp(-0.5 * (x / sigma) * (x / sigma));
            sum += k[i];
        }
        for (int i = 0; i < 9; i++) k[i] /= sum;
        double[] out = new double[img.length];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int dy = -4; dy <= 4; dy++) {
                        for (int dx = -4; dx <= 4; dx++) {
                            acc += k[dy + 4] * k[dx + 4] * img[ch * h * w + reflect(y + dy, h) * w + reflect(x + dx, w)];
                        }
                    }
                    out[ch * h * w + y * w + x] = acc;
                }
            }
        }
        return out;
    }

    @Test
    void theGaussianBlurIsANormalisedNineByNineKernelWithReflectPadding() {
        float[] img = random(1, 2 * 8 * 10);
        try (TensorScope ignored = TensorScope.open()) {
            float[] got = SelfAttentionGuidance.gaussianBlur(Tensor.fromFloats(img, 1, 2, 8, 10), 9, 2.0).toFloatArray();
            double[] expected = naiveBlur(img, 2, 8, 10, 2.0);
            for (int i = 0; i < got.length; i++) assertThat((double) got[i]).isCloseTo(expected[i], within(1e-5));
        }
    }

    @Test
    void theBlurMapBlursWhereAKeyPixelReceivesMoreThanItsShareOfAttention() {
        // latent 8x8, middle block 2x2 (4 tokens), 2 heads: ratio 4, each token covers a 4x4 square
        int heads = 2;
        float[] attention = new float[heads * 4 * 4];
        // every query puts its attention on keys 0 and 3 (0.45 + 0.45) and 0.05 on keys 1 and 2
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < 4; q++) {
                float[] row = {0.45f, 0.05f, 0.05f, 0.45f};
                System.arraycopy(row, 0, attention, (h * 4 + q) * 4, 4);
            }
        }
        float[] x0 = random(2, 3 * 64);
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.fromFloats(x0, 1, 3, 8, 8);
            float[] got = SelfAttentionGuidance.blurMap(x, Tensor.fromFloats(attention, heads, 4, 4), 2.0, 1.0).toFloatArray();
            double[] blurred = naiveBlur(x0, 3, 8, 8, 2.0);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 8; y++) {
                    for (int xx = 0; xx < 8; xx++) {
                        int i = c * 64 + y * 8 + xx;
                        int token = (y / 4) * 2 + xx / 4;
                        boolean blur = token == 0 || token == 3; // 4 x 0.45 = 1.8 > 1; 4 x 0.05 = 0.2
                        assertThat((double) got[i]).as("pixel " + i).isCloseTo(blur ? blurred[i] : x0[i], within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void theRecordingAttentionIsPlainAttentionAndKeepsTheNegativesProbabilities() {
        long heads = 2;
        long d = 3;
        float[] q = random(3, 2 * 5 * 6);
        float[] k = random(4, 2 * 5 * 6);
        float[] v = random(5, 2 * 5 * 6);
        var scores = new SelfAttentionGuidance.Scores();
        try (TensorScope ignored = TensorScope.open()) {
            Tensor qt = Tensor.fromFloats(q, 2, 5, 6);
            Tensor kt = Tensor.fromFloats(k, 2, 5, 6);
            Tensor vt = Tensor.fromFloats(v, 2, 5, 6);
            TransformerOptions options = new TransformerOptions(TransformerPatches.NONE, Tensor.fromFloats(new float[] {1f, 1f}, 2),
                    List.of(0, 1));
            options.setHeads(heads, d);
            float[] got = new SelfAttentionGuidance.Recording(scores).apply(qt, kt, vt, options).toFloatArray();
            Tensor qh = qt.reshape(2, 5, heads, d).transpose(1, 2).reshape(4, 5, d);
            Tensor kh = kt.reshape(2, 5, heads, d).transpose(1, 2).reshape(4, 5, d);
            Tensor vh = vt.reshape(2, 5, heads, d).transpose(1, 2).reshape(4, 5, d);
            float[] plain = Attention.compute(qh, kh, vh).reshape(2, heads, 5, d).transpose(1, 2).reshape(2, 5, 6).toFloatArray();
            for (int i = 0; i < got.length; i++) assertThat(got[i]).isCloseTo(plain[i], within(1e-5f));
            // the negative is the second chunk: heads 2 and 3 of the flattened batch, rows summing to 1
            Tensor kept = scores.get();
            assertThat(kept.shape()).containsExactly(2, 5, 5);
            float[] p = kept.toFloatArray();
            for (int row = 0; row < 10; row++) {
                double s = 0;
                for (int j = 0; j < 5; j++) s += p[row * 5 + j];
                assertThat(s).isCloseTo(1.0, within(1e-5));
            }
            // score of query 0, key 0 of the negative's head 0, by hand
            double dot = 0;
            double[] logits = new double[5];
            for (int j = 0; j < 5; j++) {
                dot = 0;
                for (int e = 0; e < d; e++) dot += q[30 + e] * (double) k[30 + j * 6 + e];
                logits[j] = dot / Math.sqrt(d);
            }
            double z = 0;
            for (double l : logits) z += Math.exp(l);
            assertThat((double) p[0]).isCloseTo(Math.exp(logits[0]) / z, within(1e-5));
            scores.set(null);
        }
    }

    @Test
    void thePostCfgStepMovesAwayFromTheDegradedNegativePrediction() {
        var scores = new SelfAttentionGuidance.Scores();
        float[] x = random(6, 64);
        float[] denoised = random(7, 64);
        float[] uncond = random(8, 64);
        try (TensorScope ignored = TensorScope.open()) {
            // one head over 4 tokens, all attention on key 0: only the top-left 4x4 square is blurred
            float[] attention = new float[16];
            for (int q = 0; q < 4; q++) attention[q * 4] = 1f;
            scores.set(Tensor.fromFloats(attention, 1, 4, 4).escapeScope());
            Tensor xt = Tensor.fromFloats(x, 1, 1, 8, 8);
            Tensor u = Tensor.fromFloats(uncond, 1, 1, 8, 8);
            // the fake negative prediction halves its input
            PostCfgFunction.Prediction predict = (side, in, o) -> {
                assertThat(side).isEqualTo(1);
                return in.mul(0.5);
            };
            var args = new PostCfgFunction.Args(Tensor.fromFloats(denoised, 1, 1, 8, 8), u, u, 5.0, Tensor.fromFloats(new float[] {2f}, 1), xt,
                    ModelOptions.NONE, predict, new RunState());
            float[] got = new SelfAttentionGuidance.Function(0.5, 2.0, scores).apply(args).toFloatArray();
            float[] degraded = SelfAttentionGuidance.blurMap(u, scores.get(), 2.0, 1.0).toFloatArray();
            for (int i = 0; i < 64; i++) {
                double sag = 0.5 * (degraded[i] + x[i] - uncond[i]);
                assertThat((double) got[i]).isCloseTo(denoised[i] + (degraded[i] - sag) * 0.5, within(1e-5));
            }
            assertThat(degraded[0]).isNotEqualTo(uncond[0]); // blurred corner
            assertThat(degraded[63]).isEqualTo(uncond[63]); // untouched corner
            scores.set(null);
        }
    }
}
