package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.util.Arrays;

/**
 * ImageQuantize: per image, {@code (x·255).to(uint8)} (truncating), Pillow's median-cut palette of
 * {@code colors} entries, then each pixel mapped onto that palette without dithering, with Pillow's
 * Floyd-Steinberg, or after ComfyUI's ordered Bayer offsets. As with Pillow 9.4, the palette holds 256
 * entries, the unused ones black, and black is a candidate like any other entry.
 */
public final class ImageQuantize implements Node {
    private static final int PALETTE_SIZE = 256;

    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("ImageQuantize", "comfy_extras.nodes_post_processing")
                .category("image/postprocessing")
                .input(Input.of("image", "IMAGE"))
                .input(Input.of("colors", "INT").option("default", 256).option("min", 1).option("max", 256).option("step", 1))
                .input(Input.combo("dither", "none", "floyd-steinberg", "bayer-2", "bayer-4", "bayer-8", "bayer-16"))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Tensor image = ImageSupport.tensor(in.get("image"), "image");
        int colors = (int) in.integer("colors");
        String dither = in.string("dither");
        if (colors < 1 || colors > 256) throw PyError.valueError("bad number of colors");
        long[] s = image.shape();
        if (s.length != 4 || s[3] != 3) throw PyError.valueError("not enough image data: ImageQuantize takes RGB images");
        int batch = (int) s[0], h = (int) s[1], w = (int) s[2];
        float[] values = image.toFloatArray();
        float[] out = new float[values.length];
        for (int b = 0; b < batch; b++) {
            int[] rgb = new int[w * h];
            for (int i = 0; i < rgb.length; i++) {
                int o = (b * rgb.length + i) * 3;
                rgb[i] = (toUint8(values[o]) << 16) | (toUint8(values[o + 1]) << 8) | toUint8(values[o + 2]);
            }
            int[] palette = Arrays.copyOf(MedianCut.palette(rgb, colors), PALETTE_SIZE);
            PaletteMapper mapper = new PaletteMapper(palette);
            int[] indices = switch (dither) {
                case "none" -> mapper.map(rgb);
                case "floyd-steinberg" -> mapper.mapDithered(rgb, w, h);
                default -> mapper.map(bayerOffsets(rgb, w, h, bayerOrder(dither)));
            };
            for (int i = 0; i < indices.length; i++) {
                int c = mapper.colour(indices[i]);
                int o = (b * rgb.length + i) * 3;
                out[o] = ((c >> 16) & 0xff) / 255f;
                out[o + 1] = ((c >> 8) & 0xff) / 255f;
                out[o + 2] = (c & 0xff) / 255f;
            }
        }
        return NodeResult.of(ImageSupport.compute(() -> Tensor.fromFloats(out, s)));
    }

    /** {@code (x * 255).to(torch.uint8)}: float32 product, truncation toward zero, low byte. */
    static int toUint8(float x) {
        return ((int) (x * 255f)) & 0xff;
    }

    private static int bayerOrder(String dither) {
        if (!dither.startsWith("bayer-")) throw PyError.valueError("unknown dither " + dither);
        return Integer.parseInt(dither.substring("bayer-".length()));
    }

    /**
     * ComfyUI's ordered dither before the palette mapping: each channel plus
     * {@code spread·M[y mod n][x mod n] + 0.5}, clamped to 0..255 and truncated, where M is the
     * normalised Bayer matrix and {@code spread = 2·256 / palette length} is 2 (Pillow 9.4 always
     * reports 256 palette entries).
     */
    static int[] bayerOffsets(int[] rgb, int w, int h, int order) {
        double spread = 2.0 * 256 / PALETTE_SIZE;
        double[][] m = normalizedBayer(Integer.numberOfTrailingZeros(order));
        int n = m.length;
        int[] out = new int[rgb.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double offset = spread * m[y % n][x % n] + 0.5;
                int p = rgb[y * w + x], q = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    double v = Math.max(0, Math.min(255, ((p >> shift) & 0xff) + offset));
                    q |= ((int) v) << shift;
                }
                out[y * w + x] = q;
            }
        }
        return out;
    }

    /** The recursive normalised Bayer matrix: blocks (m−1.5, m+0.5; m+1.5, m−0.5)/q with m = q·M(n−1), q = 4ⁿ. */
    static double[][] normalizedBayer(int n) {
        if (n == 0) return new double[][] {{0}};
        double q = Math.pow(4, n);
        double[][] prev = normalizedBayer(n - 1);
        int k = prev.length;
        double[][] out = new double[2 * k][2 * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double m = q * prev[i][j];
                out[i][j] = (m - 1.5) / q;
                out[i][j + k] = (m + 0.5) / q;
                out[i + k][j] = (m + 1.5) / q;
                out[i + k][j + k] = (m - 0.5) / q;
            }
        }
        return out;
    }
}
