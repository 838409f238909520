package dev.comfy4j.model.vae;

/** Relative L2 distance, the measure of the numeric golden README: ||a - b|| / ||b||. */
final class RelL2 {
    private RelL2() {}

    static double of(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " != expected " + expected.length);
        }
        double diff = 0, norm = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }
}
