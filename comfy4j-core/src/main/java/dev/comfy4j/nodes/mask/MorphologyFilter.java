package dev.comfy4j.nodes.mask;

/**
 * scipy.ndimage grey_dilation / grey_erosion with a 3x3 footprint (a cross, or the full square) and
 * the default "reflect" boundary, which for a radius of one means the edge pixel repeats.
 */
final class MorphologyFilter {
    private MorphologyFilter() {}

    static float[] greyFilter(float[] m, int h, int w, boolean cross, boolean dilate) {
        float[] out = new float[m.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = dilate ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        if (cross && dy != 0 && dx != 0) continue;
                        int yy = Math.min(h - 1, Math.max(0, y + dy));
                        int xx = Math.min(w - 1, Math.max(0, x + dx));
                        float s = m[yy * w + xx];
                        v = dilate ? Math.max(v, s) : Math.min(v, s);
                    }
                }
                out[y * w + x] = v;
            }
        }
        return out;
    }
}
