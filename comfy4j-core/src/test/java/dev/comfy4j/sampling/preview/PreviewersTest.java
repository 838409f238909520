package dev.comfy4j.sampling.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.taesd.TaesdDecoder;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Latent previews: latent2rgb and TAESD against plain-Java reference computations, and the frame's size rule. */
class PreviewersTest {
    @TempDir Path dir;

    /** ComfyUI's SD1.5 factors, written out again here (rows: latent channels; columns: R, G, B). */
    private static final double[][] FACTORS = {
        {0.3512, 0.2297, 0.3227}, {0.3250, 0.4974, 0.2350}, {-0.2829, 0.1762, 0.2721}, {-0.2120, -0.2616, -0.7177}};

    static float[] pattern(int channels, int h, int w) {
        float[] v = new float[channels * h * w];
        for (int i = 0; i < v.length; i++) v[i] = (float) (1.5 * Math.sin(i * 0.71 + 0.3));
        return v;
    }

    /** uint8(clamp((sum_c x_c f_ck + 1) / 2, 0, 1) * 255) for pixel (y, x), channel k. */
    static int latent2rgb(float[] latent, int h, int w, int y, int x, int k) {
        double v = 0;
        for (int c = 0; c < 4; c++) v += latent[(c * h + y) * w + x] * FACTORS[c][k];
        return (int) (Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
    }

    @Test
    void latent2rgbMixesTheChannelsOfTheFirstLatent() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] first = pattern(4, 3, 5);
            float[] both = new float[first.length * 2];
            System.arraycopy(first, 0, both, 0, first.length);
            java.util.Arrays.fill(both, first.length, both.length, 9f);
            PreviewImage image = Latent2RgbPreviewer.sd15().preview(Tensor.fromFloats(both, 2, 4, 3, 5));
            assertThat(image.width()).isEqualTo(5);
            assertThat(image.height()).isEqualTo(3);
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    for (int k = 0; k < 3; k++) {
                        assertThat(image.rgb()[(y * 5 + x) * 3 + k] & 0xff).isCloseTo(latent2rgb(first, 3, 5, y, x, k), within(1));
                    }
                }
            }
        }
    }

    @Test
    void framesAreScaledToFitThePreviewSizeKeepingTheAspect() throws Exception {
        assertThat(PreviewJpeg.containedSize(8, 8, 512)).containsExactly(512, 512);
        assertThat(PreviewJpeg.containedSize(12, 8, 512)).containsExactly(512, 341);
        assertThat(PreviewJpeg.containedSize(5, 8, 100)).containsExactly(62, 100); // round(62.5) is 62, half to even
        assertThat(PreviewJpeg.containedSize(1024, 512, 256)).containsExactly(256, 128);
        byte[] rgb = new byte[12 * 8 * 3];
        java.util.Arrays.fill(rgb, (byte) 200);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(PreviewJpeg.encode(new PreviewImage(12, 8, rgb), 96)));
        assertThat(decoded.getWidth()).isEqualTo(96);
        assertThat(decoded.getHeight()).isEqualTo(64);
        assertThat(decoded.getRGB(40, 30) & 0xff).isCloseTo(200, within(2));
    }

    @Test
    void enlargingUsesPillowsBilinearWeights() {
        // Pillow: Image.frombytes("L", (2, 1), bytes([0, 255])).resize((4, 1), Image.BILINEAR) gives 0, 64, 191, 255
        // (centres at 0.25, 0.75, 1.25, 1.75 input pixels; triangle weights, renormalised at the edges)
        byte[] out = dev.comfy4j.imaging.PilResample.resize(new byte[]{0, (byte) 255}, 2, 1, 1, 4, 1,
                dev.comfy4j.imaging.PilResample.Filter.BILINEAR);
        assertThat(new int[]{out[0] & 0xff, out[1] & 0xff, out[2] & 0xff, out[3] & 0xff}).containsExactly(0, 64, 191, 255);
    }

    @Test
    void previewMethodsPickTheirPreviewer() throws Exception {
        assertThat(Previewers.create("none", Optional::empty)).isNull();
        assertThat(Previewers.create("auto", () -> { throw new AssertionError("auto never looks for TAESD"); }))
                .isInstanceOf(Latent2RgbPreviewer.class);
        assertThat(Previewers.create("latent2rgb", Optional::empty)).isInstanceOf(Latent2RgbPreviewer.class);
        assertThat(Previewers.create("taesd", Optional::empty)).isInstanceOf(Latent2RgbPreviewer.class);
        Path file = writeRandomDecoder(new Random(7));
        try (LatentPreviewer taesd = Previewers.create("taesd", () -> Optional.of(file))) {
            assertThat(taesd).isInstanceOf(TaesdPreviewer.class);
        }
    }

    // --- TAESD: a random-weight decoder file and the network written out in plain Java ---

    private final Map<String, double[]> weights = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    private void put(String name, Random r, double scale, long... shape) {
        int n = 1;
        for (long s : shape) n *= (int) s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        weights.put(name, v);
        shapes.put(name, shape);
    }

    private void conv(String name, Random r, int in, int out, boolean bias) {
        put(name + ".weight", r, 1.0 / Math.sqrt(in * 9), out, in, 3, 3);
        if (bias) put(name + ".bias", r, 0.1, out);
    }

    private Path writeRandomDecoder(Random r) throws Exception {
        conv("1", r, 4, 64, true);
        for (int i : new int[]{3, 4, 5, 8, 9, 10, 13, 14, 15, 18}) {
            for (int j : new int[]{0, 2, 4}) conv(i + ".conv." + j, r, 64, 64, true);
        }
        for (int i : new int[]{7, 12, 17}) conv(String.valueOf(i), r, 64, 64, false);
        conv("19", r, 64, 3, true);
        Path file = dir.resolve("taesd_decoder.safetensors");
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (var e : weights.entrySet()) {
                float[] f = new float[e.getValue().length];
                for (int i = 0; i < f.length; i++) f[i] = (float) e.getValue()[i];
                tensors.put(e.getKey(), Tensor.fromFloats(f, shapes.get(e.getKey())));
            }
            SafetensorsWriter.write(file, tensors, Map.of());
        }
        return file;
    }

    /** A 3x3 (or 1x1) convolution with zero padding, [C, H, W] arrays. */
    private double[][][] conv(double[][][] x, String name) {
        long[] s = shapes.get(name + ".weight");
        double[] w = weights.get(name + ".weight");
        double[] b = weights.get(name + ".bias");
        int out = (int) s[0];
        int in = (int) s[1];
        int h = x[0].length;
        int wd = x[0][0].length;
        double[][][] y = new double[out][h][wd];
        for (int o = 0; o < out; o++) {
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < wd; xx++) {
                    double sum = b == null ? 0 : b[o];
                    for (int i = 0; i < in; i++) {
                        for (int ky = 0; ky < 3; ky++) {
                            int sy = yy + ky - 1;
                            if (sy < 0 || sy >= h) continue;
                            for (int kx = 0; kx < 3; kx++) {
                                int sx = xx + kx - 1;
                                if (sx < 0 || sx >= wd) continue;
                                sum += w[((o * in + i) * 3 + ky) * 3 + kx] * x[i][sy][sx];
                            }
                        }
                    }
                    y[o][yy][xx] = sum;
                }
            }
        }
        return y;
    }

    private static double[][][] relu(double[][][] x) {
        for (double[][] c : x) for (double[] row : c) for (int i = 0; i < row.length; i++) row[i] = Math.max(0, row[i]);
        return x;
    }

    private double[][][] block(double[][][] x, int index) {
        double[][][] h = conv(relu(conv(relu(conv(x, index + ".conv.0")), index + ".conv.2")), index + ".conv.4");
        for (int c = 0; c < h.length; c++) for (int y = 0; y < h[c].length; y++) for (int i = 0; i < h[c][y].length; i++) h[c][y][i] += x[c][y][i];
        return relu(h);
    }

    private static double[][][] upsample(double[][][] x) {
        double[][][] y = new double[x.length][x[0].length * 2][x[0][0].length * 2];
        for (int c = 0; c < x.length; c++) for (int i = 0; i < y[c].length; i++) for (int j = 0; j < y[c][i].length; j++) y[c][i][j] = x[c][i / 2][j / 2];
        return y;
    }

    private double[][][] reference(double[][][] latent) {
        double[][][] x = new double[latent.length][latent[0].length][latent[0][0].length];
        for (int c = 0; c < x.length; c++) for (int i = 0; i < x[c].length; i++) for (int j = 0; j < x[c][i].length; j++) x[c][i][j] = Math.tanh(latent[c][i][j] / 3) * 3;
        x = relu(conv(x, "1"));
        for (int stage = 0; stage < 3; stage++) {
            int first = 3 + stage * 5;
            for (int k = 0; k < 3; k++) x = block(x, first + k);
            x = conv(upsample(x), String.valueOf(first + 4));
        }
        x = conv(block(x, 18), "19");
        for (double[][] c : x) for (double[] row : c) for (int i = 0; i < row.length; i++) row[i] = (row[i] - 0.5) * 2;
        return x;
    }

    @Test
    void taesdDecodesLikeTheNetworkWrittenOut() throws Exception {
        Path file = writeRandomDecoder(new Random(42));
        int h = 2;
        int w = 3;
        float[] latent = pattern(4, h, w);
        double[][][] x = new double[4][h][w];
        for (int c = 0; c < 4; c++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) x[c][i][j] = latent[(c * h + i) * w + j] * 2;
        double[][][] want = reference(x);
        try (TensorScope ignored = TensorScope.open(); TaesdDecoder decoder = TaesdDecoder.load(file)) {
            float[] scaled = new float[latent.length];
            for (int i = 0; i < latent.length; i++) scaled[i] = latent[i] * 2;
            Tensor out = decoder.decode(Tensor.fromFloats(scaled, 1, 4, h, w));
            assertThat(out.shape()).containsExactly(1, 3, 8 * h, 8 * w);
            float[] got = out.contiguous().toFloatArray();
            double scale = 0;
            for (double[][] c : want) for (double[] row : c) for (double v : row) scale = Math.max(scale, Math.abs(v));
            assertThat(scale).isGreaterThan(0.1);
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 8 * h; i++) {
                    for (int j = 0; j < 8 * w; j++) {
                        assertThat((double) got[(c * 8 * h + i) * 8 * w + j]).isCloseTo(want[c][i][j], within(1e-4 * scale + 1e-5));
                    }
                }
            }
            // the previewer shows the first latent's decode as 8-bit RGB
            PreviewImage image = new TaesdPreviewer(decoder).preview(Tensor.fromFloats(scaled, 1, 4, h, w));
            assertThat(image.width()).isEqualTo(8 * w);
            assertThat(image.height()).isEqualTo(8 * h);
            int expected = (int) (Math.min(1, Math.max(0, (want[1][5][7] + 1) / 2)) * 255);
            assertThat(image.rgb()[(5 * 8 * w + 7) * 3 + 1] & 0xff).isCloseTo(expected, within(1));
        }
    }
}
