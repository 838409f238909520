package dev.comfy4j.nodes.modelpatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.model.options.TransformerPatches;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * HyperTile's choices against CPython's {@code random} (values recorded from CPython 3: getrandbits after
 * seed, randint(0, 1) and randint(0, 2) for seeds 1 to 20) and ComfyUI's divisor rules (recorded the same way),
 * and the tiling of the queries into grid tiles and back.
 */
class HyperTileTest {
    @Test
    void pythonRandomMatchesCPython() {
        PythonRandom one = new PythonRandom(1);
        assertThat(one.nextUint32()).isEqualTo(577090037L);
        assertThat(one.nextUint32()).isEqualTo(2444712010L);
        PythonRandom two = new PythonRandom(2);
        assertThat(two.nextUint32()).isEqualTo(4106135923L);
        assertThat(two.nextUint32()).isEqualTo(3707026329L);
        assertThat(new PythonRandom(100).nextUint32()).isEqualTo(625644691L);
        assertThat(new PythonRandom(0).nextUint32()).isEqualTo(3626764237L);
        assertThat(new PythonRandom((1L << 40) + 5).nextUint32()).isEqualTo(2166296868L); // a two-word seed
        long[] randint01 = {0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0};
        long[] randint02 = {0, 0, 0, 0, 2, 2, 1, 0, 1, 2, 1, 1, 1, 0, 0, 1, 2, 0, 2, 2};
        for (int s = 1; s <= 20; s++) {
            assertThat(new PythonRandom(s).randint(0, 1)).as("seed " + s).isEqualTo(randint01[s - 1]);
            assertThat(new PythonRandom(s).randint(0, 2)).as("seed " + s).isEqualTo(randint02[s - 1]);
        }
    }

    @Test
    void divisorsAndGridsFollowComfyUisRules() {
        assertThat(LongStream.rangeClosed(1, 8).map(c -> HyperTile.randomDivisor(64, 8, 2, c)).toArray())
                .containsExactly(8, 8, 8, 8, 4, 8, 4, 8);
        assertThat(LongStream.rangeClosed(1, 8).map(c -> HyperTile.randomDivisor(96, 4, 3, c)).toArray())
                .containsExactly(24, 24, 24, 24, 12, 12, 16, 24);
        assertThat(HyperTile.randomDivisor(7, 32, 2, 1)).isEqualTo(1);
        assertThat(HyperTile.hwCandidates(4096, 1.0)).containsExactly(64, 64);
        assertThat(HyperTile.hwCandidates(6144, 1.5)).containsExactly(96, 64);
        assertThat(HyperTile.hwCandidates(6144, 1 / 1.5)).containsExactly(64, 96);
        assertThat(HyperTile.hwCandidates(1536, 96.0 / 64)).containsExactly(48, 32);
        assertThat(HyperTile.hwCandidates(60, 1.7)).containsExactly(10, 6);
        assertThat(HyperTile.hwCandidates(35, 1.0)).containsExactly(7, 5);
    }

    @Test
    void queriesAreSplitIntoGridTilesAndPutBack() {
        var state = new HyperTile.State();
        // a 4x4 grid of 8 channels (the model's base width), tile size 2 latent pixels: 2x2 tiles of 2x2
        var tiling = new HyperTile.Tiling(8, List.of(8L), 2, 1, false, state);
        var untiling = new HyperTile.Untiling(state);
        try (TensorScope ignored = TensorScope.open()) {
            float[] values = new float[16 * 8];
            for (int t = 0; t < 16; t++) for (int c = 0; c < 8; c++) values[t * 8 + c] = t * 100 + c;
            Tensor q = Tensor.fromFloats(values, 1, 16, 8);
            TransformerOptions options = new TransformerOptions(TransformerPatches.NONE, Tensor.fromFloats(new float[] {1f}, 1), List.of(0));
            options.setOriginalShape(new long[] {1, 4, 4, 4});
            AttentionPatch.QueryContextValue r = tiling.apply(q, q, q, options);
            assertThat(r.n().shape()).containsExactly(4, 4, 8);
            assertThat(r.context()).isSameAs(q); // k and v stay whole
            float[] tiled = r.n().toFloatArray();
            // tile 0 holds tokens 0, 1, 4, 5; tile 1 tokens 2, 3, 6, 7; tile 3 tokens 10, 11, 14, 15
            int[][] expected = {{0, 1, 4, 5}, {2, 3, 6, 7}, {8, 9, 12, 13}, {10, 11, 14, 15}};
            for (int tile = 0; tile < 4; tile++) {
                for (int i = 0; i < 4; i++) assertThat(tiled[(tile * 4 + i) * 8]).isEqualTo(expected[tile][i] * 100f);
            }
            assertThat(untiling.apply(r.n(), options).toFloatArray()).isEqualTo(values);
            // another width is left alone, and nothing is put back after it
            Tensor other = Tensor.fromFloats(new float[16 * 16], 1, 16, 16);
            assertThat(tiling.apply(other, other, other, options).n()).isSameAs(other);
            assertThat(untiling.apply(other, options)).isSameAs(other);
        }
    }
}
