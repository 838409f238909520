package dev.comfy4j.nodes.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.imaging.AnimatedWebpWriter;
import dev.comfy4j.imaging.ApngWriter;
import dev.comfy4j.imaging.ExifWriter;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.latent.LatentApplyOperation;
import dev.comfy4j.nodes.latent.LatentOperationTonemapReinhard;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Small cases of ImageQuantize, the animated/SVG save helpers and the latent operations, worked out by hand. */
class QuantizeAndAnimatedSaveTest {
    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    @Test
    void medianCutPutsTheHeavierUpperHalfFirstAndKeepsEqualValuesTogether() {
        // Red 210, 200, 10, 10: the walk from the top reaches half only with the 10s, which would take
        // everything, so the run of the lowest value goes right: boxes {210, 200} and {10, 10}.
        int[] pixels = {rgb(10, 0, 0), rgb(200, 0, 0), rgb(10, 0, 0), rgb(210, 0, 0)};
        assertThat(MedianCut.palette(pixels, 2)).containsExactly(rgb(205, 0, 0), rgb(10, 0, 0));
        // One colour: the mean, rounded half up ((1 + 2) / 2 = 1.5 -> 2).
        assertThat(MedianCut.palette(new int[] {rgb(1, 4, 9), rgb(2, 4, 8)}, 1)).containsExactly(rgb(2, 4, 9));
    }

    @Test
    void nearestColourIsSearchedFromTheLowCornerOfTheCacheCell() {
        int[] palette = Arrays.copyOf(new int[] {rgb(0, 0, 0), rgb(5, 5, 5)}, 256);
        PaletteMapper mapper = new PaletteMapper(palette);
        // (3,3,3) is nearer to (5,5,5), but its cell's corner (0,0,0) is black.
        assertThat(mapper.nearest(3, 3, 3)).isEqualTo(0);
        // (7,7,7): corner (4,4,4) is 3 from (5,5,5) and 48 from black.
        assertThat(mapper.nearest(7, 7, 7)).isEqualTo(1);
    }

    @Test
    void floydSteinbergCarriesSevenSixteenthsToTheRight() {
        int[] palette = Arrays.copyOf(new int[] {rgb(0, 0, 0), rgb(255, 255, 255)}, 256);
        int grey = rgb(100, 100, 100);
        PaletteMapper mapper = new PaletteMapper(palette);
        assertThat(mapper.map(new int[] {grey, grey})).containsExactly(0, 0);
        // First pixel: black, error 100. Second: 100 + (7·100)/16 = 143 -> corner 140, nearer to white.
        assertThat(mapper.mapDithered(new int[] {grey, grey}, 2, 1)).containsExactly(0, 1);
    }

    @Test
    void bayerTwoAddsItsOffsetsThenTruncates() {
        assertThat(ImageQuantize.normalizedBayer(1)).isDeepEqualTo(new double[][] {{-0.375, 0.125}, {0.375, -0.125}});
        int ten = rgb(10, 10, 10);
        // 10 + 2·M + 0.5: 9.75, 10.75, 11.25, 10.25 -> 9, 10, 11, 10; 0 - 0.25 is clamped to 0.
        assertThat(ImageQuantize.bayerOffsets(new int[] {ten, ten, ten, ten}, 2, 2, 2))
                .containsExactly(rgb(9, 9, 9), rgb(10, 10, 10), rgb(11, 11, 11), rgb(10, 10, 10));
        assertThat(ImageQuantize.bayerOffsets(new int[] {0}, 1, 1, 2)).containsExactly(0);
        assertThat(ImageQuantize.toUint8(0.999f)).isEqualTo(254);
    }

    @Test
    void exifHoldsSortedAsciiTagsAfterALittleEndianHeader() {
        byte[] exif = ExifWriter.asciiTags(Map.of(0x0110, "ab"));
        byte[] expected = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x10, 0x01, 2, 0, 3, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 0, 0};
        assertThat(exif).containsExactly(expected);
        byte[] two = ExifWriter.asciiTags(Map.of(0x0110, "prompt:{}", 0x010F, "k:ü"));
        ByteBuffer b = ByteBuffer.wrap(two).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(10)).isEqualTo((short) 0x010F); // sorted: Make before Model
        // "k:?" plus its NUL fits the 4-byte value field; "prompt:{}" plus NUL (10 bytes) sits after the
        // IFD (8 + 2 + 2·12 + 4 = 38).
        assertThat(b.getInt(14)).isEqualTo(4);
        assertThat(new String(two, 18, 4, StandardCharsets.US_ASCII)).isEqualTo("k:?\0");
        assertThat(b.getInt(26)).isEqualTo(10);
        assertThat(b.getInt(30)).isEqualTo(38);
        assertThat(new String(two, 38, 10, StandardCharsets.US_ASCII)).isEqualTo("prompt:{}\0");
    }

    @Test
    void apngKeepsOnlyTheChangedBoxOfAFrame() {
        int[] a = new int[12], c = new int[12];
        c[5] = 1; // x 1, y 1 of a 4×3 frame
        c[7] = 0xff000000; // alpha only: not a change for Pillow's RGB comparison
        assertThat(ApngWriter.rgbDifferenceBox(a, c, 4, 3)).containsExactly(1, 1, 2, 2);
        assertThat(ApngWriter.rgbDifferenceBox(a, a.clone(), 4, 3)).isNull();
    }

    @Test
    void animatedWebpStoresARepeatedFrameOnceWithTheSummedDuration() {
        int[] frame = {0xff102030, 0xff405060};
        byte[] webp = AnimatedWebpWriter.encode(2, 1, List.of(frame, frame.clone()), false, 100, new byte[0]);
        ByteBuffer b = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(webp, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("VP8X");
        assertThat(webp[20]).isEqualTo((byte) 0x02); // animation flag only
        int anmf = 12 + 8 + 10 + 8 + 6;
        assertThat(new String(webp, anmf, 4, StandardCharsets.US_ASCII)).isEqualTo("ANMF");
        int duration = (webp[anmf + 8 + 12] & 0xff) | (webp[anmf + 8 + 13] & 0xff) << 8 | (webp[anmf + 8 + 14] & 0xff) << 16;
        assertThat(duration).isEqualTo(200);
        int next = anmf + 8 + b.getInt(anmf + 4);
        assertThat(next + (b.getInt(anmf + 4) & 1)).isEqualTo(webp.length);
    }

    @Test
    void svgMetadataFollowsEveryOpeningSvgTag() throws Exception {
        String json = SaveSVGNode.metadataJson(null, Json.parse("{\"k\": [1, \"é\"]}"));
        assertThat(json).isEqualTo("{\n  \"k\": [\n    1,\n    \"\\u00e9\"\n  ]\n}");
        String out = SaveSVGNode.withMetadata("<svg a='1'><g/></svg>", "{}");
        assertThat(out).isEqualTo("<svg a='1'>\n  <metadata>\n                <![CDATA[\n            {}\n"
                + "                ]]>\n            </metadata>\n            <g/></svg>");
    }

    @Test
    void reinhardMapsEachLengthTowardsTheWhitePoint() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Object op = new LatentOperationTonemapReinhard().execute(NodeInputs.of(Map.of("multiplier", 1.0)), null).values().getFirst();
            Tensor latent = Tensor.fromFloats(new float[] {3f, -4f}, 1, 1, 1, 2);
            var result = (dev.comfy4j.nodes.latent.Latent) new LatentApplyOperation()
                    .execute(NodeInputs.of(Map.of("samples", dev.comfy4j.nodes.latent.Latent.of(latent), "operation", op)), null).values().getFirst();
            // Lengths 3 and 4: mean 3.5, unbiased std √0.5, top = 5·√0.5 + 3.5; new length = l / (l/top + 1).
            double top = 5 * Math.sqrt(0.5) + 3.5;
            float[] got = result.samples().toFloatArray();
            assertThat((double) got[0]).isCloseTo(3 / (3 / top + 1), org.assertj.core.data.Offset.offset(1e-5));
            assertThat((double) got[1]).isCloseTo(-4 / (4 / top + 1), org.assertj.core.data.Offset.offset(1e-5));
        }
    }
}
