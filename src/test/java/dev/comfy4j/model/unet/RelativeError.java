package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Tensor;

/** The numeric goldens' comparison: relative L2 error in float64 over all elements. */
final class RelativeError {
    private RelativeError() {}

    static double relL2(Tensor actual, Tensor expected) {
        return relL2(actual.toFloatArray(), expected.toFloatArray());
    }

    static double relL2(float[] actual, float[] expected) {
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
