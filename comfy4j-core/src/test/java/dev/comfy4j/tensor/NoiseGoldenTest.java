package dev.comfy4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.comfy4j.model.SafetensorsFile;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** ComfyUI's prepare_noise outputs (shared/golden/numeric/noise.safetensors), bit for bit. */
class NoiseGoldenTest {
    private static final Path GOLDEN = Path.of("../shared/golden/numeric/noise.safetensors");
    private static final Pattern KEY = Pattern.compile("noise/seed(\\d+)/(\\d+)x(\\d+)x(\\d+)x(\\d+)/(none|bi[\\d_]+)");

    @Test
    void everyGoldenNoiseTensorIsReproducedBitForBit() throws Exception {
        assumeTrue(Files.exists(GOLDEN), "skipped: " + GOLDEN + " is absent (the shared golden data is not checked out)");
        int checked = 0;
        try (SafetensorsFile file = SafetensorsFile.open(GOLDEN); TensorScope ignored = TensorScope.open()) {
            for (String key : file.tensors().keySet()) {
                Matcher m = KEY.matcher(key);
                assertThat(m.matches()).as(key).isTrue();
                long seed = new BigInteger(m.group(1)).longValue();
                long[] shape = {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5))};
                int[] batchIndex = m.group(6).equals("none") ? null
                        : Arrays.stream(m.group(6).substring(2).split("_")).mapToInt(Integer::parseInt).toArray();
                float[] expected = file.tensor(key).toFloatArray();
                float[] actual = Noise.prepare(seed, shape, batchIndex).toFloatArray();
                assertThat(actual.length).as(key).isEqualTo(expected.length);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(Float.floatToRawIntBits(actual[i])).as(key + " element " + i)
                            .isEqualTo(Float.floatToRawIntBits(expected[i]));
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(24);
    }

    @Test
    void onlyTheLow32BitsOfTheSeedMatter() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] a = Noise.prepare(7, new long[]{1, 4, 8, 8}, null).toFloatArray();
            float[] b = Noise.prepare(BigInteger.ONE.shiftLeft(32).add(BigInteger.valueOf(7)), new long[]{1, 4, 8, 8}, null).toFloatArray();
            assertThat(b).containsExactly(a);
        }
    }

    @Test
    void batchIndexRowsEqualSlicesOfTheFullBatch() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor full = Noise.prepare(42, new long[]{5, 4, 8, 8}, null);
            Tensor picked = Noise.prepare(42, new long[]{2, 4, 8, 8}, new int[]{4, 1});
            assertThat(picked.select(0, 0).toFloatArray()).containsExactly(full.select(0, 4).toFloatArray());
            assertThat(picked.select(0, 1).toFloatArray()).containsExactly(full.select(0, 1).toFloatArray());
        }
    }
}
