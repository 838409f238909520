package dev.comfy4j.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ComfyUI's tiled_scale: tile positions, feather masks and the weighted blend, checked by hand. */
class TiledScaleTest {
    @Test
    void tilePositionsFollowPythonsRangeAndTheLastTileIsShorter() {
        // range(0, 16 - 2, 8 - 2) = [0, 6, 12]; the tile at 12 holds the last 4 cells.
        assertThat(TiledScale.positions(16, 8, 2)).containsExactly(0L, 6L, 12L);
        assertThat(TiledScale.positions(8, 8, 2)).containsExactly(0L);
        assertThat(TiledScale.positions(64, 32, 8)).containsExactly(0L, 24L, 48L);
        assertThat(TiledScale.steps(16, 16, 8, 8, 2)).isEqualTo(9);
        assertThat(TiledScale.steps(64, 128, 32, 32, 8)).isEqualTo(3 * 5);
    }

    @Test
    void featherMaskRisesLinearlyOverTheOverlapOnEachEdge() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] m = TiledScale.featherMask(1, 6, 2).toFloatArray();
            assertThat(m).containsExactly(0.5f, 1f, 1f, 1f, 1f, 0.5f);
            float[] m2 = TiledScale.featherMask(5, 1, 3).toFloatArray();
            // rows 0 and 4 get 1/3, rows 1 and 3 get 2/3, row 2 gets 1 (its own edge factor 3/3)
            assertThat(m2).containsExactly(1 / 3f, 2 / 3f, 1f, 2 / 3f, 1 / 3f);
            // a feather as wide as the tile is skipped, as in ComfyUI
            assertThat(TiledScale.featherMask(1, 4, 4).toFloatArray()).containsExactly(1f, 1f, 1f, 1f);
        }
    }

    @Test
    void blendIsTheFeatherWeightedMeanOfOverlappingTiles() {
        // Each tile's output is a constant (its index + 1) upscaled x2, so the blend at every output
        // pixel is sum(w_t * value_t) / sum(w_t) with ComfyUI's masks: computed here in plain Java.
        long h = 7, w = 10;
        int tileH = 4, tileW = 6, overlap = 2;
        double scale = 2;
        try (TensorScope ignored = TensorScope.open()) {
            Tensor input = Tensor.zeros(DType.F32, 1, 1, h, w);
            List<long[]> seen = new ArrayList<>();
            Tensor out = TiledScale.run(input, tile -> {
                seen.add(tile.shape());
                return Tensor.full(seen.size(), DType.F32, 1, 2, tile.size(2) * 2, tile.size(3) * 2);
            }, tileH, tileW, overlap, scale, 2, null);

            double[][] num = new double[(int) (h * 2)][(int) (w * 2)];
            double[][] den = new double[(int) (h * 2)][(int) (w * 2)];
            int index = 0;
            for (long y : List.of(0L, 2L, 4L)) {          // range(0, 7 - 2, 4 - 2)
                for (long x : List.of(0L, 4L)) {          // range(0, 10 - 2, 6 - 2)
                    index++;
                    int th = (int) Math.min(tileH, h - y) * 2, tw = (int) Math.min(tileW, w - x) * 2;
                    int feather = overlap * 2;
                    for (int i = 0; i < th; i++) {
                        for (int j = 0; j < tw; j++) {
                            double m = edge(i, th, feather) * edge(j, tw, feather);
                            num[(int) (y * 2 + i)][(int) (x * 2 + j)] += m * index;
                            den[(int) (y * 2 + i)][(int) (x * 2 + j)] += m;
                        }
                    }
                }
            }
            assertThat(seen).hasSize(6);
            assertThat(seen.get(5)).containsExactly(1, 1, 3, 6); // the last tile: 3 rows, 6 columns from x=4
            float[] actual = out.toFloatArray();
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < h * 2; i++) {
                    for (int j = 0; j < w * 2; j++) {
                        double expected = num[i][j] / den[i][j];
                        assertThat((double) actual[(int) ((c * h * 2 + i) * w * 2 + j)]).as("pixel %d,%d", i, j)
                                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
                    }
                }
            }
        }
    }

    /** The mask factor of ComfyUI at position {@code i} of {@code size}: (t+1)/feather near either edge. */
    private static double edge(int i, int size, int feather) {
        if (feather >= size) return 1;
        double f = 1;
        if (i < feather) f *= (i + 1.0) / feather;
        if (size - 1 - i < feather) f *= (size - i + 0.0) / feather;
        return f;
    }

    @Test
    void aLocalFunctionGivesTheSameResultTiledOrWhole() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor input = Tensor.arange(0, 3 * 13 * 11, 1, DType.F32).reshape(1, 3, 13, 11).div(100);
            java.util.function.UnaryOperator<Tensor> up = t -> Functional.interpolate(t, t.size(2) * 4, t.size(3) * 4,
                    Interpolation.NEAREST, false);
            Tensor tiled = TiledScale.run(input, up, 5, 4, 1, 4, 3, null);
            Tensor whole = up.apply(input);
            assertThat(RelativeL2.of(tiled.toFloatArray(), whole.toFloatArray())).isLessThan(1e-6);
        }
    }

    @Test
    void anOverlapAsLargeAsTheTileIsRefused() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor input = Tensor.zeros(DType.F32, 1, 1, 10, 10);
            assertThatThrownBy(() -> TiledScale.run(input, t -> t, 4, 4, 4, 1, 1, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
        }
    }
}
