package dev.comfy4j.nodes.conditioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The conditioning nodes on tiny conditionings whose results are worked out by hand. */
class ConditioningNodesTest {
    private TensorScope scope;

    @BeforeEach
    void open() {
        scope = TensorScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static Conditioning run(Node node, Object... keyValues) throws Exception {
        Map<String, Object> in = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) in.put((String) keyValues[i], keyValues[i + 1]);
        return (Conditioning) node.execute(NodeInputs.of(in), null).values().getFirst();
    }

    /** A [1, n, 2] token tensor. */
    private static Tensor tokens(float... v) {
        return Tensor.fromFloats(v, 1, v.length / 2, 2);
    }

    private static Tensor pooled(float... v) {
        return Tensor.fromFloats(v, 1, v.length);
    }

    private static Map<String, Object> dict(Object... keyValues) {
        return Options.of(keyValues);
    }

    @Test
    void averageBlendsWithTheFirstFromEntryPaddedWithZeros() throws Exception {
        Conditioning to = Conditioning.of(tokens(1, 2, 3, 4), dict("pooled_output", pooled(2, 4), "keep", "me"));
        Conditioning from = Conditioning.of(new Conditioning.Entry(tokens(10, 20), dict("pooled_output", pooled(6, 8))),
                new Conditioning.Entry(tokens(99, 99, 99, 99)));
        Conditioning out = run(new ConditioningAverage(), "conditioning_to", to, "conditioning_from", from, "conditioning_to_strength", 0.25);
        assertThat(out.size()).isEqualTo(1);
        // 0.25 * to + 0.75 * from, from = [[10, 20], [0, 0]] after padding to 2 tokens.
        assertThat(out.get(0).cond().toFloatArray()).containsExactly(7.75f, 15.5f, 0.75f, 1f);
        assertThat(out.get(0).pooledOutput().toFloatArray()).containsExactly(5f, 7f);
        assertThat(out.get(0).get("keep")).isEqualTo("me");
        assertThat(to.get(0).cond().toFloatArray()).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void averageCutsALongerFromAndFillsMissingPooledOutputs() throws Exception {
        Tensor fromPooled = pooled(6, 8);
        Conditioning to = Conditioning.of(new Conditioning.Entry(tokens(4, 8)),
                new Conditioning.Entry(tokens(4, 8), dict("pooled_output", null)));
        Conditioning from = Conditioning.of(tokens(0, 4, 100, 100), dict("pooled_output", fromPooled));
        Conditioning out = run(new ConditioningAverage(), "conditioning_to", to, "conditioning_from", from, "conditioning_to_strength", 0.5);
        assertThat(out.get(0).cond().shape()).containsExactly(1, 1, 2);
        assertThat(out.get(0).cond().toFloatArray()).containsExactly(2f, 6f);
        // No key: from's pooled output blended with itself. None: from's, the same tensor.
        assertThat(out.get(0).pooledOutput().toFloatArray()).containsExactly(6f, 8f);
        assertThat(out.get(1).pooledOutput()).isSameAs(fromPooled);
    }

    @Test
    void averageKeepsTheToPooledOutputWhenFromHasNone() throws Exception {
        Tensor toPooled = pooled(1, 1);
        Conditioning to = Conditioning.of(tokens(2, 2), dict("pooled_output", toPooled));
        Conditioning from = Conditioning.of(new Conditioning.Entry(tokens(4, 4)));
        Conditioning out = run(new ConditioningAverage(), "conditioning_to", to, "conditioning_from", from, "conditioning_to_strength", 1.0);
        assertThat(out.get(0).cond().toFloatArray()).containsExactly(2f, 2f);
        assertThat(out.get(0).pooledOutput()).isSameAs(toPooled);
    }

    @Test
    void combineListsBothInOrder() throws Exception {
        Conditioning a = Conditioning.of(new Conditioning.Entry(tokens(1, 1)));
        Conditioning b = Conditioning.of(new Conditioning.Entry(tokens(2, 2)), new Conditioning.Entry(tokens(3, 3)));
        Conditioning out = run(new ConditioningCombine(), "conditioning_1", a, "conditioning_2", b);
        assertThat(out.entries()).containsExactly(a.get(0), b.get(0), b.get(1));
    }

    @Test
    void concatAppendsTheFromTokensToEveryEntry() throws Exception {
        Tensor p = pooled(5, 5);
        Conditioning to = Conditioning.of(new Conditioning.Entry(tokens(1, 2), dict("pooled_output", p)),
                new Conditioning.Entry(tokens(3, 4, 5, 6)));
        Conditioning from = Conditioning.of(new Conditioning.Entry(tokens(7, 8)), new Conditioning.Entry(tokens(9, 9)));
        Conditioning out = run(new ConditioningConcat(), "conditioning_to", to, "conditioning_from", from);
        assertThat(out.get(0).cond().toFloatArray()).containsExactly(1f, 2f, 7f, 8f);
        assertThat(out.get(0).pooledOutput()).isSameAs(p);
        assertThat(out.get(1).cond().shape()).containsExactly(1, 3, 2);
        assertThat(out.get(1).options()).isEmpty();
    }

    @Test
    void setAreaStoresLatentUnitsWithPythonFloorDivision() throws Exception {
        Conditioning c = Conditioning.of(tokens(1, 1), dict("pooled_output", null, "start_percent", 0.5));
        Conditioning out = run(new ConditioningSetArea(), "conditioning", c, "width", 200L, "height", 131L, "x", 77L, "y", -1L, "strength", 0.8);
        Map<String, Object> o = out.get(0).options();
        assertThat(new ArrayList<>(o.keySet())).containsExactly("pooled_output", "start_percent", "area", "strength", "set_area_to_bounds");
        assertThat(o.get("area")).isEqualTo(List.of(16L, 25L, -1L, 9L));
        assertThat(o.get("strength")).isEqualTo(0.8);
        assertThat(o.get("set_area_to_bounds")).isEqualTo(false);
        assertThat(c.get(0).has("area")).as("the input is not changed").isFalse();
    }

    @Test
    void setAreaPercentageStoresFractionsHeightFirst() throws Exception {
        Conditioning c = Conditioning.of(new Conditioning.Entry(tokens(1, 1)));
        Conditioning out = run(new ConditioningSetAreaPercentage(), "conditioning", c,
                "width", 0.5, "height", 0.25, "x", 0.125, "y", 0L, "strength", 2.0);
        assertThat(out.get(0).get("area")).isEqualTo(List.of("percentage", 0.25, 0.5, 0.0, 0.125));
        assertThat(out.get(0).get("strength")).isEqualTo(2.0);
    }

    @Test
    void setAreaStrengthKeepsTheArea() throws Exception {
        Conditioning c = Conditioning.of(tokens(1, 1), dict("area", List.of(1L, 2L, 3L, 4L), "strength", 1.0));
        Conditioning out = run(new ConditioningSetAreaStrength(), "conditioning", c, "strength", 3.5);
        assertThat(out.get(0).options()).isEqualTo(dict("area", List.of(1L, 2L, 3L, 4L), "strength", 3.5));
    }

    @Test
    void setMaskAddsABatchDimensionToA2dMask() throws Exception {
        Conditioning c = Conditioning.of(new Conditioning.Entry(tokens(1, 1)), new Conditioning.Entry(tokens(2, 2)));
        Tensor mask2d = Tensor.fromFloats(new float[] {0, 1, 1, 0, 0.5f, 1}, 2, 3);
        Conditioning out = run(new ConditioningSetMask(), "conditioning", c, "mask", mask2d, "strength", 0.7, "set_cond_area", "default");
        Tensor m = (Tensor) out.get(0).get("mask");
        assertThat(m.shape()).containsExactly(1, 2, 3);
        assertThat(m.toFloatArray()).containsExactly(0f, 1f, 1f, 0f, 0.5f, 1f);
        assertThat(out.get(1).get("mask")).isSameAs(m);
        assertThat(out.get(0).get("set_area_to_bounds")).isEqualTo(false);
        assertThat(out.get(0).get("mask_strength")).isEqualTo(0.7);

        Tensor mask3d = Tensor.fromFloats(new float[] {1, 0}, 2, 1, 1);
        Conditioning bounds = run(new ConditioningSetMask(), "conditioning", c, "mask", mask3d, "strength", 1.0, "set_cond_area", "mask bounds");
        assertThat(bounds.get(0).get("mask")).isSameAs(mask3d);
        assertThat(bounds.get(0).get("set_area_to_bounds")).isEqualTo(true);
    }

    @Test
    void zeroOutZeroesTokensPooledAndLyricsOnly() throws Exception {
        Conditioning c = Conditioning.of(new Conditioning.Entry(tokens(1, 2, 3, 4),
                        dict("pooled_output", pooled(5, 6), "conditioning_lyrics", pooled(7), "strength", 0.5)),
                new Conditioning.Entry(tokens(8, 9), dict("pooled_output", null)));
        Conditioning out = run(new ConditioningZeroOut(), "conditioning", c);
        Conditioning.Entry first = out.get(0);
        assertThat(first.cond().shape()).containsExactly(1, 2, 2);
        assertThat(first.cond().toFloatArray()).containsOnly(0f);
        assertThat(first.pooledOutput().toFloatArray()).containsExactly(0f, 0f);
        assertThat(((Tensor) first.get("conditioning_lyrics")).toFloatArray()).containsExactly(0f);
        assertThat(first.get("strength")).isEqualTo(0.5);
        assertThat(out.get(1).has("pooled_output")).isTrue();
        assertThat(out.get(1).pooledOutput()).isNull();
        assertThat(c.get(0).cond().toFloatArray()).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void timestepRangeSetsStartAndEnd() throws Exception {
        Conditioning c = Conditioning.of(new Conditioning.Entry(tokens(1, 1)));
        Conditioning out = run(new ConditioningSetTimestepRange(), "conditioning", c, "start", 0.125, "end", 0.75);
        assertThat(out.get(0).options()).isEqualTo(dict("start_percent", 0.125, "end_percent", 0.75));
    }

    @Test
    @SuppressWarnings("unchecked")
    void unclipAppendsOneDictPerCallAndStrengthZeroPassesThrough() throws Exception {
        Conditioning c = Conditioning.of(new Conditioning.Entry(tokens(1, 1)));
        ClipVisionOutput vision = new ClipVisionOutput(null, pooled(1, 2, 3), null, null);
        assertThat(run(new UnClipConditioning(), "conditioning", c, "clip_vision_output", vision,
                "strength", -0.0, "noise_augmentation", 0.5)).isSameAs(c);

        Conditioning once = run(new UnClipConditioning(), "conditioning", c, "clip_vision_output", vision,
                "strength", 1.5, "noise_augmentation", 0.25);
        Conditioning twice = run(new UnClipConditioning(), "conditioning", once, "clip_vision_output", null,
                "strength", -2.0, "noise_augmentation", 0.0);
        List<Object> first = (List<Object>) once.get(0).get("unclip_conditioning");
        assertThat(first).containsExactly((Object) dict("clip_vision_output", vision, "strength", 1.5, "noise_augmentation", 0.25));
        List<?> both = (List<?>) twice.get(0).get("unclip_conditioning");
        assertThat(both).hasSize(2);
        assertThat(both.get(0)).isSameAs(first.get(0));
        assertThat(both.get(1)).isEqualTo(dict("clip_vision_output", null, "strength", -2.0, "noise_augmentation", 0.0));
        assertThat(first).as("the earlier list is not extended in place").hasSize(1);
    }

    @Test
    void appendingToANonListValueIsAPythonTypeError() {
        Conditioning c = Conditioning.of(tokens(1, 1), dict("reference_latents", 3L));
        assertThatThrownBy(() -> c.withAppendedValues(Map.of("reference_latents", List.of(4L)))).isInstanceOf(PyError.class);
    }

    @Test
    void entriesKeepKeyOrderAllowNoneAndCannotBeChanged() {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("b", 1L);
        source.put("a", null);
        Conditioning.Entry e = new Conditioning.Entry(tokens(1, 1), source);
        source.put("c", 2L);
        assertThat(new ArrayList<>(e.options().keySet())).containsExactly("b", "a");
        assertThat(e.has("a")).isTrue();
        assertThat(e.with("b", 5L).options().keySet()).containsExactly("b", "a");
        assertThatThrownBy(() -> e.options().put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Conditioning.from(List.of(), "conditioning")).isInstanceOf(PyError.class);
    }

    @Test
    void newTensorsOutliveTheNodesScope() throws Exception {
        Conditioning c = Conditioning.of(new Conditioning.Entry(tokens(1, 2)));
        Conditioning out;
        try (TensorScope inner = TensorScope.open()) {
            out = run(new ConditioningZeroOut(), "conditioning", c);
        }
        assertThat(out.get(0).cond().isClosed()).isFalse();
        assertThat(Arrays.equals(out.get(0).cond().toFloatArray(), new float[] {0, 0})).isTrue();
        out.get(0).cond().close();
    }
}
