package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.TorchZipWriter;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Textual inversions in prompts, and the parts of the prompt syntax the golden prompts do not reach. */
class Sd1TokenizerTest {
    private static final int START = 49406;
    private static final int END = 49407;

    @TempDir
    Path root;

    @Test
    void embeddingsAreFoundInTheFolderAndItsSubfoldersAndSplicedWithTheirVectorCount() throws Exception {
        Path embeddings = Files.createDirectories(root.resolve("embeddings"));
        float[][] style = {ramp(768, 0.001f), ramp(768, -0.002f)};
        writeSafetensors(embeddings.resolve("my_style.safetensors"), "emb_params", style);
        writeSafetensors(Files.createDirectories(embeddings.resolve("deep")).resolve("other.safetensors"), "clip_l",
                new float[][]{ramp(768, 0.5f)});
        writeSafetensors(root.resolve("outside.safetensors"), "emb", new float[][]{ramp(768, 1f)});
        Sd1Tokenizer tokenizer = new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of(embeddings));

        TokenizedPrompt p = tokenizer.tokenizeWithWeights(
                "embedding:my_style portrait of a woman (embedding:other:1.2) embedding:my_style, embedding:../outside");

        assertThat(p.chunkCount()).isEqualTo(1);
        List<WeightedToken> c = p.chunks().getFirst();
        assertThat(c).hasSize(77);
        assertThat(c.subList(0, 12)).containsExactly(
                WeightedToken.token(START, 1.0, 0),
                WeightedToken.vector(style[0], 1.0, 1), WeightedToken.vector(style[1], 1.0, 1),
                WeightedToken.token(5352, 1.0, 2), WeightedToken.token(539, 1.0, 2), WeightedToken.token(320, 1.0, 2),
                WeightedToken.token(2308, 1.0, 2),
                WeightedToken.vector(ramp(768, 0.5f), 1.2, 3),
                // "my_style," is not a file: ComfyUI retries without the comma and tokenizes the comma
                WeightedToken.vector(style[0], 1.0, 4), WeightedToken.vector(style[1], 1.0, 4),
                WeightedToken.token(267, 1.0, 5),
                // "../outside" lies outside the embeddings folder: dropped
                WeightedToken.token(END, 1.0, 0));
        assertThat(c.subList(12, 77)).allMatch(t -> t.equals(WeightedToken.token(END, 1.0, 0)));
    }

    @Test
    void torchSavedEmbeddingsAreRead() throws Exception {
        Path embeddings = Files.createDirectories(root.resolve("embeddings"));
        float[] a = ramp(768 * 3, 0.01f);
        TorchZipWriter.write(embeddings.resolve("three.pt"), Map.of("emb", new TorchZipWriter.FloatTensor(a, new long[]{3, 768})));
        Sd1Tokenizer tokenizer = new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of(embeddings));

        List<WeightedToken> c = tokenizer.tokenizeWithWeights("cat embedding:three").chunks().getFirst();

        assertThat(c.get(1)).isEqualTo(WeightedToken.token(2368, 1.0, 1));
        for (int r = 0; r < 3; r++) {
            assertThat(c.get(2 + r).embedding()).containsExactly(java.util.Arrays.copyOfRange(a, r * 768, (r + 1) * 768));
            assertThat(c.get(2 + r).wordId()).isEqualTo(2);
        }
        assertThat(c.get(5).id()).isEqualTo(END);
    }

    @Test
    void withoutAnEmbeddingsFolderTheSyntaxIsPlainText() {
        ClipTokenizer bpe = ClipTestFiles.tokenizer();
        List<WeightedToken> c = new Sd1Tokenizer(bpe, null).tokenizeWithWeights("embedding:my_style").chunks().getFirst();
        int[] expected = bpe.encode("embedding:my_style");
        for (int i = 0; i < expected.length; i++) assertThat(c.get(1 + i).id()).isEqualTo(expected[i]);
        assertThat(c.get(1 + expected.length).id()).isEqualTo(END);
    }

    @Test
    void aBareEmbeddingPrefixIsIgnoredRatherThanFailing() {
        // ComfyUI raises an IndexError on "embedding:" followed by nothing; comfy4j drops it with the warning.
        List<WeightedToken> c = new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of(root)).tokenizeWithWeights("cat embedding:")
                .chunks().getFirst();
        assertThat(c.subList(0, 3)).containsExactly(WeightedToken.token(START, 1.0, 0), WeightedToken.token(2368, 1.0, 1),
                WeightedToken.token(END, 1.0, 0));
    }

    @Test
    void weightsFollowPythonFloatParsing() {
        assertThat(PromptWeights.tokenWeights("(a: 1e-1 ) (b:+.5) (c:1_0) (d:inf) (e:0x10)", 1.0)).containsExactly(
                new PromptWeights.Segment("a", 0.1), new PromptWeights.Segment(" ", 1.0),
                new PromptWeights.Segment("b", 0.5), new PromptWeights.Segment(" ", 1.0),
                new PromptWeights.Segment("c", 10.0), new PromptWeights.Segment(" ", 1.0),
                new PromptWeights.Segment("d", Double.POSITIVE_INFINITY), new PromptWeights.Segment(" ", 1.0),
                new PromptWeights.Segment("e:0x10", 1.1));
    }

    @Test
    void aLongWordIsSplitAtTheChunkBoundaryAndAShortOneMovesWhole() {
        Sd1Tokenizer tokenizer = new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of());
        // 74 x "cat" is one segment (one word id): it fits; a further 7-token word moves to chunk 2.
        String many = "cat ".repeat(74).strip();
        List<List<WeightedToken>> two = tokenizer.tokenizeWithWeights(many + " (a b c d e f g:1.1)").chunks();
        assertThat(two).hasSize(2);
        assertThat(two.get(0).get(74)).isEqualTo(WeightedToken.token(2368, 1.0, 1));
        assertThat(two.get(0).get(75)).isEqualTo(WeightedToken.token(END, 1.0, 0));
        assertThat(two.get(1).get(1).wordId()).isEqualTo(2);
        assertThat(two.get(1).get(8).id()).isEqualTo(END);
        // An 8-token word is split: 1 token fills chunk 1, 7 go on in chunk 2.
        List<List<WeightedToken>> split = tokenizer.tokenizeWithWeights(many + " (a b c d e f g h:1.1)").chunks();
        assertThat(split.get(0).get(75)).isEqualTo(WeightedToken.token(320, 1.1, 2));
        assertThat(split.get(0).get(76)).isEqualTo(WeightedToken.token(END, 1.0, 0));
        assertThat(split.get(1).get(1).wordId()).isEqualTo(2);
        assertThat(split.get(1).get(8).id()).isEqualTo(END);
    }

    private static float[] ramp(int n, float step) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = step * (i % 97);
        return v;
    }

    private static void writeSafetensors(Path file, String key, float[][] rows) throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            float[] flat = new float[rows.length * rows[0].length];
            for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
            Tensor t = rows.length == 1 ? Tensor.fromFloats(flat, flat.length) : Tensor.fromFloats(flat, rows.length, rows[0].length);
            SafetensorsWriter.write(file, Map.of(key, t), Map.of());
        }
    }
}
