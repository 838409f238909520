package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder's mechanics on a small random CLIP (2 layers, width 128) in the standalone
 * {@code text_model.*} layout: textual-inversion splicing, fp16 rounding of fp32 files, dropped
 * vectors, token weighting against the empty prompt and the layer option, each checked against an
 * independent calculation.
 */
class ClipTextModelTest {
    private static final int WIDTH = 128;
    private static final int LAYERS = 2;
    private static final int START = 49406;
    private static final int END = 49407;

    @TempDir
    static Path dir;
    private static StateDict fp16;
    private static StateDict fp32;
    private static ClipTextModel model;

    @BeforeAll
    static void build() throws Exception {
        Map<String, Tensor> weights = randomClip();
        SafetensorsWriter.write(dir.resolve("clip32.safetensors"), weights, Map.of());
        Map<String, Tensor> half = new LinkedHashMap<>();
        weights.forEach((k, t) -> half.put(k, t.to(DType.F16)));
        SafetensorsWriter.write(dir.resolve("clip16.safetensors"), half, Map.of());
        weights.values().forEach(Tensor::close);
        half.values().forEach(Tensor::close);
        fp16 = ModelFiles.loadStateDict(dir.resolve("clip16.safetensors"));
        fp32 = ModelFiles.loadStateDict(dir.resolve("clip32.safetensors"));
        model = ClipTextModel.fromStateDict(fp16);
    }

    @AfterAll
    static void close() {
        model.close();
        fp16.close();
        fp32.close();
    }

    @Test
    void anEmbeddingVectorEqualToATokenRowEncodesLikeThatToken() {
        float[] row = fp16.get("text_model.embeddings.token_embedding.weight").select(0, 320).toFloatArray();
        try (TensorScope ignored = TensorScope.open()) {
            ClipTextModel.Hidden byId = model.forward(List.of(sequence(WeightedToken.token(320, 1, 1), WeightedToken.token(2368, 1, 2))), -1);
            ClipTextModel.Hidden byVector = model.forward(List.of(sequence(WeightedToken.vector(row, 1, 1), WeightedToken.token(2368, 1, 2))), -1);
            assertThat(byVector.last().toFloatArray()).containsExactly(byId.last().toFloatArray());
            assertThat(byVector.pooled().toFloatArray()).containsExactly(byId.pooled().toFloatArray());
        }
    }

    @Test
    void fp32WeightsAreRoundedToFp16AsComfyUiDoes() {
        try (ClipTextModel fromFp32 = ClipTextModel.fromStateDict(fp32); TensorScope ignored = TensorScope.open()) {
            List<List<WeightedToken>> batch = List.of(sequence(WeightedToken.token(320, 1, 1)));
            assertThat(fromFp32.forward(batch, -1).last().toFloatArray()).containsExactly(model.forward(batch, -1).last().toFloatArray());
        }
    }

    @Test
    void aStandaloneFileOpensAsAModelThatOwnsIt() throws Exception {
        try (ClipTextModel opened = ClipTextModel.open(dir.resolve("clip16.safetensors")); TensorScope ignored = TensorScope.open()) {
            List<List<WeightedToken>> batch = List.of(sequence(WeightedToken.token(2368, 1, 1)));
            assertThat(opened.layerCount()).isEqualTo(LAYERS);
            assertThat(opened.forward(batch, -1).last().toFloatArray()).containsExactly(model.forward(batch, -1).last().toFloatArray());
        }
    }

    @Test
    void weightsWithoutACLipModelAreRefusedWithTheReason() throws Exception {
        Path other = dir.resolve("not_clip.safetensors");
        try (TensorScope ignored = TensorScope.open()) {
            SafetensorsWriter.write(other, Map.of("model.diffusion_model.input_blocks.0.0.weight", Tensor.ones(DType.F16, 4, 4)), Map.of());
        }
        assertThatThrownBy(() -> ClipTextModel.open(other)).isInstanceOf(dev.comfy4j.model.ModelFileException.class)
                .hasMessageContaining("not_clip.safetensors").hasMessageContaining("embeddings.token_embedding.weight");
    }

    @Test
    void aVectorOfTheWrongWidthIsDroppedAndTheSequencePaddedWithTheEndToken() {
        try (TensorScope ignored = TensorScope.open()) {
            ClipTextModel.Hidden dropped = model.forward(List.of(sequence(WeightedToken.token(320, 1, 1),
                    WeightedToken.vector(new float[5], 1, 2), WeightedToken.token(2368, 1, 3))), -1);
            ClipTextModel.Hidden without = model.forward(List.of(sequence(WeightedToken.token(320, 1, 1), WeightedToken.token(2368, 1, 3))), -1);
            assertThat(dropped.last().toFloatArray()).containsExactly(without.last().toFloatArray());
        }
    }

    @Test
    void thePooledOutputIsTheLastLayerAtTheFirstEndToken() {
        try (TensorScope ignored = TensorScope.open()) {
            ClipTextModel.Hidden h = model.forward(List.of(sequence(WeightedToken.token(320, 1, 1), WeightedToken.token(2368, 1, 2))), 0);
            assertThat(h.pooled().toFloatArray()).containsExactly(h.last().select(0, 0).select(0, 3).toFloatArray());
            assertThat(h.intermediate().toFloatArray()).isNotEqualTo(h.last().toFloatArray());
        }
    }

    @Test
    void weightedTokensMoveAwayFromTheEmptyPromptByTheirWeight() {
        Clip clip = new Clip(new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of()), model);
        TokenizedPrompt tokens = clip.tokenize("(cat:1.5) on a (mat:0.7)");
        try (TensorScope ignored = TensorScope.open()) {
            ClipOutput out = clip.encodeFromTokens(tokens);
            List<List<WeightedToken>> batch = new ArrayList<>(tokens.chunks());
            batch.add(sequence());
            ClipTextModel.Hidden h = model.forward(batch, -1);
            float[] z = h.last().select(0, 0).toFloatArray();
            float[] empty = h.last().select(0, 1).toFloatArray();
            float[] expected = z.clone();
            List<WeightedToken> chunk = tokens.chunks().getFirst();
            for (int j = 0; j < chunk.size(); j++) {
                double w = chunk.get(j).weight();
                if (w == 1.0) continue;
                for (int d = 0; d < WIDTH; d++) {
                    int i = j * WIDTH + d;
                    float diff = z[i] - empty[i];
                    float scaled = diff * (float) w;
                    expected[i] = scaled + empty[i];
                }
            }
            assertThat(out.cond().shape()).containsExactly(1, 77, WIDTH);
            assertThat(out.cond().toFloatArray()).containsExactly(expected);
            assertThat(out.pooled().shape()).containsExactly(1, WIDTH);
            assertThat(out.pooled().toFloatArray()).containsExactly(h.pooled().select(0, 0).toFloatArray());
        }
    }

    @Test
    void chunksAreConcatenatedAndTheLayerOptionPicksAnEarlierLayer() {
        Clip clip = new Clip(new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of()), model);
        TokenizedPrompt tokens = clip.tokenize("dog ".repeat(100));
        try (TensorScope ignored = TensorScope.open()) {
            ClipOutput last = clip.encodeFromTokens(tokens);
            ClipOutput early = clip.withLastLayer(-2).encodeFromTokens(tokens);
            ClipTextModel.Hidden h = model.forward(tokens.chunks(), 0);
            assertThat(last.cond().shape()).containsExactly(1, 154, WIDTH);
            assertThat(last.cond().toFloatArray()).containsExactly(h.last().reshape(1, 154, WIDTH).toFloatArray());
            assertThat(early.cond().toFloatArray()).containsExactly(h.intermediate().reshape(1, 154, WIDTH).toFloatArray());
            assertThat(early.pooled().toFloatArray()).as("pooled always from the last layer").containsExactly(last.pooled().toFloatArray());
        }
    }

    private static List<WeightedToken> sequence(WeightedToken... words) {
        List<WeightedToken> out = new ArrayList<>();
        out.add(WeightedToken.token(START, 1, 0));
        out.addAll(List.of(words));
        out.add(WeightedToken.token(END, 1, 0));
        while (out.size() < 77) out.add(WeightedToken.token(END, 1, 0));
        return out;
    }

    private static Map<String, Tensor> randomClip() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        try (TorchGenerator g = TorchGenerator.cpu(7)) {
            String p = "text_model.";
            w.put(p + "embeddings.token_embedding.weight", randn(g, 0.02, 49408, WIDTH));
            w.put(p + "embeddings.position_embedding.weight", randn(g, 0.01, 77, WIDTH));
            for (int i = 0; i < LAYERS; i++) {
                String l = p + "encoder.layers." + i + ".";
                norm(w, g, l + "layer_norm1");
                norm(w, g, l + "layer_norm2");
                for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) linear(w, g, l + "self_attn." + proj, WIDTH, WIDTH);
                linear(w, g, l + "mlp.fc1", 4 * WIDTH, WIDTH);
                linear(w, g, l + "mlp.fc2", WIDTH, 4 * WIDTH);
            }
            norm(w, g, p + "final_layer_norm");
        }
        w.values().forEach(Tensor::escapeScope);
        return w;
    }

    private static Tensor randn(TorchGenerator g, double scale, long... shape) {
        try (Tensor r = Tensor.randn(g, DType.F32, shape)) {
            return r.mul(scale);
        }
    }

    private static void linear(Map<String, Tensor> w, TorchGenerator g, String name, int out, int in) {
        w.put(name + ".weight", randn(g, 1 / Math.sqrt(in), out, in));
        w.put(name + ".bias", randn(g, 0.1, out));
    }

    private static void norm(Map<String, Tensor> w, TorchGenerator g, String name) {
        try (Tensor r = randn(g, 0.1, WIDTH)) {
            w.put(name + ".weight", r.add(1.0));
        }
        w.put(name + ".bias", randn(g, 0.1, WIDTH));
    }
}
