package dev.comfy4j.sampling;

/** Float32 helpers that reproduce torch's CPU arithmetic where a schedule depends on it. */
public final class Float32 {
    private Float32() {}

    /**
     * {@code torch.linspace(start, end, n)} in float32: step = (end - start) / (n - 1) in float, values
     * from the start for the first half and from the end for the second.
     */
    public static float[] linspace(double start, double end, int n) {
        float[] out = new float[n];
        if (n == 0) return out;
        float a = (float) start;
        float b = (float) end;
        if (n == 1) {
            out[0] = a;
            return out;
        }
        float step = (b - a) / (float) (n - 1);
        int half = n / 2;
        for (int i = 0; i < n; i++) out[i] = i < half ? a + step * i : b - step * (n - 1 - i);
        return out;
    }

    /** {@code values} followed by one 0 (k-diffusion's {@code append_zero}). */
    public static float[] appendZero(float[] values) {
        float[] out = java.util.Arrays.copyOf(values, values.length + 1);
        out[values.length] = 0f;
        return out;
    }
}
