package dev.comfy4j.nodes.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.unet.AdmEncoder;
import dev.comfy4j.model.unet.AreaCond;
import dev.comfy4j.model.unet.CfgDenoiser;
import dev.comfy4j.model.unet.ConditionedModel;
import dev.comfy4j.model.unet.ControlResiduals;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.sampling.CondResolver;
import dev.comfy4j.sampling.DiscreteModelSampling;
import dev.comfy4j.sampling.SamplingCond;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The y vector the sampler gives an SDXL UNet, as ComfyUI's {@code encode_model_conds} and
 * {@code SDXL.encode_adm} / {@code SDXLRefiner.encode_adm} make it, checked against the embedding written out
 * in plain Java ({@link #embedding}): sizes from the conditioning or the latent's pixel size, crops 0, targets =
 * size; the refiner's aesthetic score by prompt type; one y row per entry in the batch order of the contexts;
 * the y of an area's twin; a clear error without pooled output.
 */
class SdxlAdmAtSamplingTest {
    private static final AdmEncoder SDXL = AdmEncoder.of(ModelFamily.SDXL);
    private static final AdmEncoder REFINER = AdmEncoder.of(ModelFamily.SDXL_REFINER);
    /**
     * float32 sinusoids of arguments up to 2048 (v * frequency) differ from the double ones by up to about 1e-4
     * (the README measured 3e-5 between two torch versions at 1024); a wrong size or score differs by O(1).
     */
    private static final double EMBEDDING_TOLERANCE = 3e-4;

    /** Records each call's context and y; predicts 0.5 x. */
    private static final class RecordingModel implements ConditionedModel {
        final List<float[]> contexts = new ArrayList<>();
        final List<float[]> ys = new ArrayList<>();
        final List<long[]> yShapes = new ArrayList<>();

        @Override
        public Tensor applyModel(Tensor x, Tensor sigma, Tensor context) {
            throw new AssertionError("an SDXL model is always called with y");
        }

        @Override
        public Tensor applyModel(Tensor x, Tensor sigma, Tensor context, Tensor y, ControlResiduals control, ModelOptions options,
                List<Integer> condOrUncond) {
            contexts.add(context.contiguous().toFloatArray());
            ys.add(y.contiguous().toFloatArray());
            yShapes.add(y.shape());
            try (TensorScope scope = TensorScope.open()) {
                return scope.keep(x.mul(0.5));
            }
        }

        @Override
        public double memoryRequired(long[] shape) {
            return 1;
        }
    }

    /** Timestep(256) of one value, in double precision: cosines of v * 10000^(-i/128), then sines. */
    static double[] embedding(double v) {
        double[] e = new double[256];
        for (int i = 0; i < 128; i++) {
            double arg = v * Math.exp(-Math.log(10000) * i / 128);
            e[i] = Math.cos(arg);
            e[128 + i] = Math.sin(arg);
        }
        return e;
    }

    /** The y row written out: the pooled values, then each value's embedding. */
    static double[] expectedY(float[] pooled, double... values) {
        double[] y = new double[pooled.length + 256 * values.length];
        for (int i = 0; i < pooled.length; i++) y[i] = pooled[i];
        for (int k = 0; k < values.length; k++) System.arraycopy(embedding(values[k]), 0, y, pooled.length + 256 * k, 256);
        return y;
    }

    private static void assertRow(float[] actual, int row, double[] expected) {
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[row * expected.length + i]).as("y[%d][%d]", row, i).isCloseTo(expected[i], within(EMBEDDING_TOLERANCE));
        }
    }

    private static float[] pooledValues(double seed) {
        float[] v = new float[1280];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(seed + i * 0.01);
        return v;
    }

    /** A text encoder's entry: a context of constant {@code value}, its pooled output and the given keys. */
    private static Conditioning entry(double value, float[] pooled, Map<String, Object> keys) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put(Conditioning.POOLED_OUTPUT, Tensor.fromFloats(pooled, 1, 1280));
        options.putAll(keys);
        return Conditioning.of(Tensor.full(value, DType.F32, 1, 77, 8), options);
    }

    @Test
    void withoutSizesTheLatentsPixelSizeIsUsedAndCondAndUncondShareOneCallWithOneYRowEach() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] p = pooledValues(1);
            float[] n = pooledValues(2);
            // a 12x20 latent: height 96, width 160 pixels
            Tensor x = Tensor.full(1.0, DType.F32, 1, 4, 12, 20);
            CondResolver.Resolved conds = CondResolver.resolve(SamplingConds.of(entry(1, p, Map.of())),
                    SamplingConds.of(entry(-1, n, Map.of())), 12, 20, DiscreteModelSampling.sd15(), spec -> null, SDXL);
            RecordingModel model = new RecordingModel();
            new CfgDenoiser().guide(model, x, Tensor.full(2.0, DType.F32, 1), conds.positive(), conds.negative(), 7.0);

            assertThat(model.ys).hasSize(1);
            assertThat(model.yShapes.getFirst()).containsExactly(2, 2816);
            // ComfyUI's batch order: the uncond first; the context rows follow the same order
            assertThat(model.contexts.getFirst()[0]).isEqualTo(-1f);
            assertThat(model.contexts.getFirst()[77 * 8]).isEqualTo(1f);
            assertRow(model.ys.getFirst(), 0, expectedY(n, 96, 160, 0, 0, 96, 160));
            assertRow(model.ys.getFirst(), 1, expectedY(p, 96, 160, 0, 0, 96, 160));
        }
    }

    @Test
    void clipTextEncodeSdxlSizesAreUsedAsTheyAre() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] p = pooledValues(3);
            Map<String, Object> sizes = Map.of("width", 1024L, "height", 768L, "crop_w", 16L, "crop_h", 8L,
                    "target_width", 2048L, "target_height", 1536L);
            List<List<AreaCond>> sides = CondResolver.resolveAll(List.of(SamplingConds.of(entry(1, p, sizes))), 12, 20,
                    DiscreteModelSampling.sd15(), spec -> null, SDXL);
            float[] y = sides.getFirst().getFirst().y().contiguous().toFloatArray();
            assertRow(y, 0, expectedY(p, 768, 1024, 8, 16, 1536, 2048));
            // only width and height set: no crop, the target is the size
            sides = CondResolver.resolveAll(List.of(SamplingConds.of(entry(1, p, Map.of("width", 640L, "height", 320L)))), 12, 20,
                    DiscreteModelSampling.sd15(), spec -> null, SDXL);
            assertRow(sides.getFirst().getFirst().y().contiguous().toFloatArray(), 0, expectedY(p, 320, 640, 0, 0, 320, 640));
        }
    }

    @Test
    void theRefinersAestheticScoreDefaultsByPromptType() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] p = pooledValues(4);
            float[] n = pooledValues(5);
            CondResolver.Resolved conds = CondResolver.resolve(SamplingConds.of(entry(1, p, Map.of())),
                    SamplingConds.of(entry(-1, n, Map.of())), 8, 8, DiscreteModelSampling.sd15(), spec -> null, REFINER);
            float[] positive = conds.positive().getFirst().y().contiguous().toFloatArray();
            float[] negative = conds.negative().getFirst().y().contiguous().toFloatArray();
            assertThat(positive).hasSize(2560);
            // height, width, crop_h, crop_w, aesthetic score: 6 for the positive, 2.5 for the negative
            assertRow(positive, 0, expectedY(p, 64, 64, 0, 0, 6.0));
            assertRow(negative, 0, expectedY(n, 64, 64, 0, 0, 2.5));

            // CLIPTextEncodeSDXLRefiner's ascore and size win over the defaults, on either side
            Map<String, Object> refinerKeys = Map.of("aesthetic_score", 3.25, "width", 1024L, "height", 896L);
            conds = CondResolver.resolve(SamplingConds.of(entry(1, p, refinerKeys)), SamplingConds.of(entry(-1, n, refinerKeys)),
                    8, 8, DiscreteModelSampling.sd15(), spec -> null, REFINER);
            assertRow(conds.negative().getFirst().y().contiguous().toFloatArray(), 0, expectedY(n, 896, 1024, 0, 0, 3.25));

            // a guider's conditioning_set_values(prompt_type="negative") makes a positive-side entry negative
            SamplingCond middle = SamplingConds.of(entry(1, p, Map.of())).getFirst().withPromptType(CondResolver.NEGATIVE, true);
            List<List<AreaCond>> sides = CondResolver.resolveAll(List.of(List.of(middle)), 8, 8, DiscreteModelSampling.sd15(),
                    spec -> null, REFINER);
            assertRow(sides.getFirst().getFirst().y().contiguous().toFloatArray(), 0, expectedY(p, 64, 64, 0, 0, 2.5));
            // an entry's own prompt_type stays unless overridden
            SamplingCond own = SamplingConds.of(entry(1, p, Map.of("prompt_type", "positive"))).getFirst();
            assertThat(own.withPromptType(CondResolver.NEGATIVE, false).adm().promptType()).isEqualTo("positive");
        }
    }

    @Test
    void anAreasTwinTakesTheContextAndYOfTheEntryThatContainsIt() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] p = pooledValues(6);
            float[] n = pooledValues(7);
            Map<String, Object> area = Map.of(Conditioning.AREA, List.of(4L, 4L, 0L, 0L));
            CondResolver.Resolved conds = CondResolver.resolve(SamplingConds.of(entry(1, p, area)),
                    SamplingConds.of(entry(-1, n, Map.of())), 8, 8, DiscreteModelSampling.sd15(), spec -> null, SDXL);
            assertThat(conds.negative()).hasSize(2);
            AreaCond twin = conds.negative().get(1);
            assertThat(twin.area()).containsExactly(4, 4, 0, 0);
            assertThat(twin.y()).isSameAs(conds.negative().getFirst().y());
            assertThat(twin.crossAttn()).isSameAs(conds.negative().getFirst().crossAttn());
        }
    }

    @Test
    void aConditioningWithoutPooledOutputIsRefusedClearly() {
        try (TensorScope ignored = TensorScope.open()) {
            Conditioning sd1 = Conditioning.of(Tensor.zeros(DType.F32, 1, 77, 768), Map.of());
            assertThatThrownBy(() -> CondResolver.resolve(SamplingConds.of(sd1), SamplingConds.of(sd1), 8, 8,
                    DiscreteModelSampling.sd15(), spec -> null, SDXL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SDXL needs the conditioning's pooled_output");
            Map<String, Object> options = new LinkedHashMap<>();
            options.put(Conditioning.POOLED_OUTPUT, Tensor.zeros(DType.F32, 1, 768));
            Conditioning foreign = Conditioning.of(Tensor.zeros(DType.F32, 1, 77, 768), options);
            assertThatThrownBy(() -> CondResolver.resolve(SamplingConds.of(foreign), SamplingConds.of(foreign), 8, 8,
                    DiscreteModelSampling.sd15(), spec -> null, SDXL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("width 1280").hasMessageContaining("[1, 768]");
        }
    }

    @Test
    void sd1ModelsTakeNoY() {
        assertThat(AdmEncoder.of(ModelFamily.SD1)).isNull();
        assertThat(AdmEncoder.of(ModelFamily.SD2)).isNull();
    }
}
