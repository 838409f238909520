package dev.comfy4j.model.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each adapter against the formula of its format, computed here with plain loops over small arrays. */
class WeightAdapterTest {
    private final Random random = new Random(11);
    private TensorScope scope;

    @BeforeEach
    void open() {
        scope = TensorScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    private static float[] matmul(float[] a, float[] b, int rows, int inner, int cols) {
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < inner; k++) s += a[i * inner + k] * b[k * cols + j];
                out[i * cols + j] = (float) s;
            }
        }
        return out;
    }

    private static void assertPatched(Tensor patched, float[] weight, float[] delta, double factor) {
        float[] got = patched.toFloatArray();
        for (int i = 0; i < got.length; i++) assertThat(got[i]).isCloseTo((float) (weight[i] + factor * delta[i]), within(1e-5f));
    }

    @Test
    void loraAddsUpTimesDownScaledByAlphaOverRankAndStrength() {
        float[] up = values(4 * 2);
        float[] down = values(2 * 3);
        float[] w = values(4 * 3);
        Tensor weight = Tensor.fromFloats(w.clone(), 4, 3);
        new LoraAdapter(Tensor.fromFloats(up, 4, 2), Tensor.fromFloats(down, 2, 3), 1.0, null, null).applyTo(weight, 0.7);
        assertPatched(weight, w, matmul(up, down, 4, 2, 3), 0.7 * 1.0 / 2);
    }

    @Test
    void loraWithoutAlphaIsUnscaledAndNegativeStrengthSubtracts() {
        float[] up = values(3 * 2);
        float[] down = values(2 * 5);
        float[] w = values(15);
        Tensor weight = Tensor.fromFloats(w.clone(), 3, 5);
        new LoraAdapter(Tensor.fromFloats(up, 3, 2), Tensor.fromFloats(down, 2, 5), null, null, null).applyTo(weight, -1.5);
        assertPatched(weight, w, matmul(up, down, 3, 2, 5), -1.5);
    }

    @Test
    void loconConvolutionFlattensTheKernel() {
        float[] up = values(4 * 2);
        float[] down = values(2 * 3 * 3 * 3);
        float[] w = values(4 * 3 * 3 * 3);
        Tensor weight = Tensor.fromFloats(w.clone(), 4, 3, 3, 3);
        new LoraAdapter(Tensor.fromFloats(up, 4, 2, 1, 1), Tensor.fromFloats(down, 2, 3, 3, 3), 4.0, null, null)
                .applyTo(weight, 1.0);
        assertPatched(weight, w, matmul(up, down, 4, 2, 27), 4.0 / 2);
    }

    @Test
    void loconMidWeightIsTheTuckerCore() {
        int out = 4, in = 3, r = 2, k = 3;
        float[] up = values(out * r);
        float[] down = values(r * in);
        float[] mid = values(r * r * k * k);
        float[] w = values(out * in * k * k);
        float[] delta = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int h = 0; h < k * k; h++) {
                    double s = 0;
                    for (int a = 0; a < r; a++) {
                        for (int b = 0; b < r; b++) s += up[o * r + a] * mid[(a * r + b) * k * k + h] * down[b * in + i];
                    }
                    delta[(o * in + i) * k * k + h] = (float) s;
                }
            }
        }
        Tensor weight = Tensor.fromFloats(w.clone(), out, in, k, k);
        new LoraAdapter(Tensor.fromFloats(up, out, r, 1, 1), Tensor.fromFloats(down, r, in, 1, 1), null,
                Tensor.fromFloats(mid, r, r, k, k), null).applyTo(weight, 0.5);
        assertPatched(weight, w, delta, 0.5);
    }

    @Test
    void lohaIsTheHadamardProductOfTwoLowRankProducts() {
        float[] w1a = values(4 * 2), w1b = values(2 * 3), w2a = values(4 * 2), w2b = values(2 * 3);
        float[] w = values(12);
        float[] m1 = matmul(w1a, w1b, 4, 2, 3);
        float[] m2 = matmul(w2a, w2b, 4, 2, 3);
        float[] delta = new float[12];
        for (int i = 0; i < 12; i++) delta[i] = m1[i] * m2[i];
        Tensor weight = Tensor.fromFloats(w.clone(), 4, 3);
        new LohaAdapter(Tensor.fromFloats(w1a, 4, 2), Tensor.fromFloats(w1b, 2, 3), 1.0, Tensor.fromFloats(w2a, 4, 2),
                Tensor.fromFloats(w2b, 2, 3), null, null, null).applyTo(weight, 2.0);
        assertPatched(weight, w, delta, 2.0 * 1.0 / 2);
    }

    @Test
    void lokrIsTheKroneckerProduct() {
        float[] w1 = values(2 * 3);
        float[] w2a = values(3 * 1), w2b = values(1 * 2);
        float[] w2 = matmul(w2a, w2b, 3, 1, 2);
        float[] w = values(6 * 6);
        float[] delta = new float[36];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int p = 0; p < 3; p++) {
                    for (int q = 0; q < 2; q++) delta[(i * 3 + p) * 6 + j * 2 + q] = w1[i * 3 + j] * w2[p * 2 + q];
                }
            }
        }
        Tensor weight = Tensor.fromFloats(w.clone(), 6, 6);
        new LokrAdapter(Tensor.fromFloats(w1, 2, 3), null, 3.0, null, null, Tensor.fromFloats(w2a, 3, 1),
                Tensor.fromFloats(w2b, 1, 2), null, null).applyTo(weight, 1.0);
        assertPatched(weight, w, delta, 3.0 / 1);
    }

    @Test
    void doraRescalesEachInputColumnToItsMagnitude() {
        float[] up = values(3 * 1), down = values(1 * 2), w = values(6), magnitude = {0.5f, 2.0f};
        float[] lora = matmul(up, down, 3, 1, 2);
        double alpha = 1.0, strength = 0.6;
        float[] expected = new float[6];
        for (int col = 0; col < 2; col++) {
            double norm = 0;
            for (int row = 0; row < 3; row++) {
                double v = w[row * 2 + col] + alpha * lora[row * 2 + col];
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int row = 0; row < 3; row++) {
                double calc = (w[row * 2 + col] + alpha * lora[row * 2 + col]) * magnitude[col] / norm;
                expected[row * 2 + col] = (float) (w[row * 2 + col] + strength * (calc - w[row * 2 + col]));
            }
        }
        Tensor weight = Tensor.fromFloats(w.clone(), 3, 2);
        new LoraAdapter(Tensor.fromFloats(up, 3, 1), Tensor.fromFloats(down, 1, 2), 1.0, null,
                Tensor.fromFloats(magnitude, 1, 2)).applyTo(weight, strength);
        float[] got = weight.toFloatArray();
        for (int i = 0; i < 6; i++) assertThat(got[i]).isCloseTo(expected[i], within(1e-5f));
    }

    @Test
    void diffAddsTheDifferenceAndSetReplaces() {
        float[] diff = values(5), w = values(5), set = values(5);
        Tensor weight = Tensor.fromFloats(w.clone(), 5);
        new DiffAdapter(Tensor.fromFloats(diff, 5)).applyTo(weight, 0.25);
        assertPatched(weight, w, diff, 0.25);
        new SetAdapter(Tensor.fromFloats(set, 5)).applyTo(weight, 0.25);
        assertThat(weight.toFloatArray()).containsExactly(set);
    }

    @Test
    void deltaSizesAreThoseOfTheWeightTheyPatch() {
        assertThat(new LoraAdapter(Tensor.zeros(dev.comfy4j.tensor.DType.F32, 320, 8, 1, 1),
                Tensor.zeros(dev.comfy4j.tensor.DType.F32, 8, 320, 3, 3), null, null, null).deltaNumel()).isEqualTo(320L * 320 * 9);
        assertThat(new LokrAdapter(Tensor.zeros(dev.comfy4j.tensor.DType.F32, 4, 4), null, null, null, null,
                Tensor.zeros(dev.comfy4j.tensor.DType.F32, 80, 2), Tensor.zeros(dev.comfy4j.tensor.DType.F32, 2, 80), null, null)
                .deltaNumel()).isEqualTo(320L * 320);
    }
}
