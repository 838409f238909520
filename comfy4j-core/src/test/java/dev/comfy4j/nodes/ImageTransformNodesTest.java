package dev.comfy4j.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.nodes.image.Canny;
import dev.comfy4j.nodes.image.ImageRGBToYUV;
import dev.comfy4j.nodes.image.ImageStitch;
import dev.comfy4j.nodes.image.ImageYUVToRGB;
import dev.comfy4j.nodes.image.Morphology;
import dev.comfy4j.nodes.image.PorterDuffImageComposite;
import dev.comfy4j.nodes.image.ResizeAndPadImage;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Small cases of the stitching, padding, compositing, morphology, YCbCr and Canny nodes, worked out by hand. */
class ImageTransformNodesTest {
    private static final NodeContext CONTEXT = new GoldenCases.GoldenContext(null, null);

    private static List<Object> run(Node node, Object... keyValues) throws Exception {
        Map<String, Object> inputs = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) inputs.put((String) keyValues[i], keyValues[i + 1]);
        return node.execute(NodeInputs.of(inputs), CONTEXT).values();
    }

    private static Tensor first(Node node, Object... keyValues) throws Exception {
        return (Tensor) run(node, keyValues).getFirst();
    }

    /** A grey [1,H,W,1] image from rows of values. */
    private static Tensor grey(float[][] rows) {
        int h = rows.length, w = rows[0].length;
        float[] v = new float[h * w];
        for (int y = 0; y < h; y++) System.arraycopy(rows[y], 0, v, y * w, w);
        return Tensor.fromFloats(v, 1, h, w, 1);
    }

    @Test
    void stitchPutsASpacingStripOfEvenWidthBetween() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor a = Tensor.fromFloats(new float[] {0.2f, 0.2f, 0.2f}, 1, 1, 1, 3);
            Tensor b = Tensor.fromFloats(new float[] {0.3f, 0.3f, 0.3f}, 1, 1, 1, 3);
            Tensor t = first(new ImageStitch(), "image1", a, "image2", b, "direction", "right", "match_image_size", false,
                    "spacing_width", 1L, "spacing_color", "red");
            // width 1 rounds up to 2: a, red, red, b
            assertThat(t.shape()).containsExactly(1, 1, 4, 3);
            assertThat(t.toFloatArray()).containsExactly(0.2f, 0.2f, 0.2f, 1f, 0f, 0f, 1f, 0f, 0f, 0.3f, 0.3f, 0.3f);
        }
    }

    @Test
    void stitchLeftCentresTheShorterImageAndRepeatsTheLastOfTheSmallerBatch() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor a = Tensor.fromFloats(new float[] {0.5f}, 1, 1, 1, 1);
            Tensor b = Tensor.fromFloats(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 2, 3, 1, 1);
            Tensor t = first(new ImageStitch(), "image1", a, "image2", b, "direction", "left", "match_image_size", false,
                    "spacing_width", 0L, "spacing_color", "white");
            // image2 comes first; image1 (height 1) is padded to 3 with white (1), one row above and one below.
            assertThat(t.shape()).containsExactly(2, 3, 2, 1);
            assertThat(t.toFloatArray()).containsExactly(0.1f, 1f, 0.2f, 0.5f, 0.3f, 1f, 0.4f, 1f, 0.5f, 0.5f, 0.6f, 1f);
        }
    }

    @Test
    void stitchMatchingResizesImage2ToTheHeightThroughEightBits() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor a = Tensor.zeros(dev.comfy4j.tensor.DType.F32, 1, 2, 1, 3);
            Tensor b = Tensor.full(0.6, dev.comfy4j.tensor.DType.F32, 1, 1, 2, 3);
            Tensor t = first(new ImageStitch(), "image1", a, "image2", b, "direction", "right", "match_image_size", true,
                    "spacing_width", 0L, "spacing_color", "white");
            // aspect 2: image2 becomes 4 x 2; a flat image stays flat, quantised to floor(0.6 * 255) / 255.
            assertThat(t.shape()).containsExactly(1, 2, 5, 3);
            float[] v = t.toFloatArray();
            assertThat(v[0]).isEqualTo(0f);
            assertThat(v[3]).isEqualTo(153 / 255f);
            assertThat(v[v.length - 1]).isEqualTo(153 / 255f);
        }
    }

    @Test
    void stitchWithoutImage2ReturnsImage1() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor a = Tensor.fromFloats(new float[] {0.5f}, 1, 1, 1, 1);
            assertThat(first(new ImageStitch(), "image1", a, "direction", "up", "match_image_size", true, "spacing_width", 0L,
                    "spacing_color", "white")).isSameAs(a);
        }
    }

    @Test
    void resizeAndPadCentresTheFittedImage() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor image = grey(new float[][] {{0.1f, 0.2f}, {0.3f, 0.4f}});
            // scale min(4/2, 2/2) = 1: unchanged, one column of padding each side
            Tensor t = first(new ResizeAndPadImage(), "image", image, "target_width", 4L, "target_height", 2L,
                    "padding_color", "white", "interpolation", "nearest-exact");
            assertThat(t.shape()).containsExactly(1, 2, 4, 1);
            assertThat(t.toFloatArray()).containsExactly(1f, 0.1f, 0.2f, 1f, 1f, 0.3f, 0.4f, 1f);
        }
    }

    @Test
    void resizeAndPadShrinksToFitAndPadsBelowWithBlack() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            float[] row = {0.2f, 0.2f, 0.6f, 0.6f};
            Tensor image = grey(new float[][] {row, row});
            Tensor t = first(new ResizeAndPadImage(), "image", image, "target_width", 2L, "target_height", 3L,
                    "padding_color", "black", "interpolation", "area");
            // 4 x 2 scaled by min(2/4, 3/2) = 0.5 to 2 x 1 (area averages 2 x 2 blocks), placed at row (3 - 1) // 2 = 1
            assertThat(t.shape()).containsExactly(1, 3, 2, 1);
            assertThat(t.toFloatArray()).usingElementComparator((x, y) -> Math.abs(x - y) < 1e-6f ? 0 : 1)
                    .containsExactly(0f, 0f, 0.2f, 0.6f, 0f, 0f);
        }
    }

    @Test
    void porterDuffOperatorsOnOnePixel() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor src = Tensor.fromFloats(new float[] {0.8f}, 1, 1, 1, 1);
            Tensor srcMask = Tensor.fromFloats(new float[] {0.5f}, 1, 1, 1);
            Tensor dst = Tensor.fromFloats(new float[] {0.4f}, 1, 1, 1, 1);
            Tensor dstMask = Tensor.fromFloats(new float[] {0.75f}, 1, 1, 1);
            // alphas 0.5 and 0.25; premultiplied 0.4 and 0.1
            Map<String, float[]> expected = Map.of(
                    "SRC_OVER", new float[] {0.45f / 0.625f, 1 - 0.625f},
                    "MULTIPLY", new float[] {0.04f / 0.125f, 1 - 0.125f},
                    "DST_OUT", new float[] {0.05f / 0.125f, 1 - 0.125f},
                    "ADD", new float[] {0.5f / 0.75f, 1 - 0.75f},
                    "CLEAR", new float[] {0f, 1f});
            for (var e : expected.entrySet()) {
                List<Object> out = run(new PorterDuffImageComposite(), "source", src, "source_alpha", srcMask,
                        "destination", dst, "destination_alpha", dstMask, "mode", e.getKey());
                assertThat(((Tensor) out.get(0)).item()).as(e.getKey()).isCloseTo(e.getValue()[0], within(1e-6));
                assertThat(((Tensor) out.get(1)).item()).as(e.getKey()).isCloseTo(e.getValue()[1], within(1e-6));
                assertThat(((Tensor) out.get(1)).shape()).containsExactly(1, 1, 1);
            }
        }
    }

    @Test
    void morphologyOfOneBrightPixel() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor dot = grey(new float[][] {{0, 0, 0}, {0, 1, 0}, {0, 0, 0}});
            float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
            float[] zeros = new float[9];
            assertThat(morph(dot, "dilate", 3)).containsExactly(ones);
            assertThat(morph(dot, "erode", 3)).containsExactly(zeros);
            assertThat(morph(dot, "open", 3)).containsExactly(zeros);
            // outside the image is ignored, so the all-ones dilation erodes back to all ones
            assertThat(morph(dot, "close", 3)).containsExactly(ones);
            assertThat(morph(dot, "gradient", 3)).containsExactly(ones);
            assertThat(morph(dot, "top_hat", 3)).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
            assertThat(morph(dot, "bottom_hat", 3)).containsExactly(1, 1, 1, 1, 0, 1, 1, 1, 1);
        }
    }

    @Test
    void morphologyWithAnEvenKernelLooksTwoBackAndOneAhead() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor row = grey(new float[][] {{0.5f, 0, 0, 0, 0.25f, 0}});
            assertThat(morph(row, "dilate", 4)).containsExactly(0.5f, 0.5f, 0.5f, 0.25f, 0.25f, 0.25f);
        }
    }

    private static float[] morph(Tensor image, String op, long k) throws Exception {
        return first(new Morphology(), "image", image, "operation", op, "kernel_size", k).toFloatArray();
    }

    @Test
    void pureRedInYCbCr() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor red = Tensor.fromFloats(new float[] {1f, 0f, 0f}, 1, 1, 1, 3);
            List<Object> yuv = run(new ImageRGBToYUV(), "image", red);
            double[] expected = {0.299, (0 - 0.299) * 0.564 + 0.5, (1 - 0.299) * 0.713 + 0.5};
            for (int i = 0; i < 3; i++) {
                Tensor plane = (Tensor) yuv.get(i);
                assertThat(plane.shape()).containsExactly(1, 1, 1, 3);
                for (float v : plane.toFloatArray()) assertThat((double) v).isCloseTo(expected[i], within(1e-6));
            }
        }
    }

    @Test
    void yuvPlanesAreAveragedThenConverted() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor y = Tensor.fromFloats(new float[] {0.2f, 0.4f, 0.6f}, 1, 1, 1, 3);
            Tensor u = Tensor.fromFloats(new float[] {0.5f, 0.5f, 0.5f}, 1, 1, 1, 3);
            Tensor v = Tensor.fromFloats(new float[] {0.7f, 0.7f, 0.7f}, 1, 1, 1, 3);
            float[] rgb = first(new ImageYUVToRGB(), "Y", y, "U", u, "V", v).toFloatArray();
            // Y 0.4, Cb - 0.5 = 0, Cr - 0.5 = 0.2
            assertThat((double) rgb[0]).isCloseTo(0.4 + 1.403 * 0.2, within(1e-6));
            assertThat((double) rgb[1]).isCloseTo(0.4 - 0.714 * 0.2, within(1e-6));
            assertThat((double) rgb[2]).isCloseTo(0.4, within(1e-6));
        }
    }

    @Test
    void cannyFindsBothFlanksOfABrightLine() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            // After the blur the line is g = (a, b, c, b, a) around column 3; the Sobel gradient is
            // 4 (c - a) ~ 1.39 at columns 2 and 4 (strong and maximal), 4 b ~ 0.98 at 1 and 5 (not maximal),
            // 0 at column 3.
            float[] line = {0, 0, 0, 1, 0, 0, 0, 0};
            Tensor image = grey(new float[][] {line, line, line, line, line});
            float[] edges = first(new Canny(), "image", image, "low_threshold", 0.4, "high_threshold", 0.8).toFloatArray();
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 8; x++) {
                    float want = x == 2 || x == 4 ? 1f : 0f;
                    for (int c = 0; c < 3; c++) assertThat(edges[(y * 8 + x) * 3 + c]).as("y %d x %d", y, x).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void cannyDropsWeakEdgesWithNoStrongNeighbour() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            // half the brightness: the flanks reach ~0.70, above low (0.4) but below high (0.8)
            float[] line = {0, 0, 0, 0.5f, 0, 0, 0, 0};
            Tensor image = grey(new float[][] {line, line, line, line, line});
            float[] edges = first(new Canny(), "image", image, "low_threshold", 0.4, "high_threshold", 0.8).toFloatArray();
            for (float e : edges) assertThat(e).isZero();
        }
    }

    @Test
    void cannyKeepsWeakEdgesJoinedToAStrongOne() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            // a line brightening from 0.5 (weak flanks ~0.70) to 1 (strong ~1.39) down the rows
            float[][] rows = new float[6][];
            for (int y = 0; y < 6; y++) rows[y] = new float[] {0, 0, 0, y < 3 ? 0.5f : 1f, 0, 0, 0, 0};
            float[] edges = first(new Canny(), "image", grey(rows), "low_threshold", 0.4, "high_threshold", 0.8).toFloatArray();
            // column 2 of the top row is only weak, but it is connected down the column to the strong part
            assertThat(edges[(0 * 8 + 2) * 3]).isEqualTo(1f);
            assertThat(edges[(5 * 8 + 2) * 3]).isEqualTo(1f);
        }
    }
}
