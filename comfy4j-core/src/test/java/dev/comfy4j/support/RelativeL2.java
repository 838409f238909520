package dev.comfy4j.support;

import dev.comfy4j.tensor.Tensor;

/**
 * The numeric goldens' comparison (shared/golden/numeric/README.md): relative L2 error
 * {@code ||actual - expected|| / ||expected||}, in float64 over all elements.
 */
public final class RelativeL2 {
    private RelativeL2() {}

    public static double of(Tensor actual, Tensor expected) {
        return of(actual.contiguous().toFloatArray(), expected.contiguous().toFloatArray());
    }

    public static double of(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " != expected " + expected.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }
}
