package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SD2's tokenizer against ComfyUI's recorded tokens. There is no SD2 golden set, but ComfyUI's
 * {@code SD2ClipHTokenizer} and SDXL's {@code SDXLClipGTokenizer} are the same {@code SDTokenizer} (the same
 * vocabulary, {@code pad_with_end=False}) and differ only in the width and key of textual-inversion
 * vectors, which these prompts do not use; so the {@code g} stream of shared/golden/numeric-sdxl/tokenizer.json
 * is what ComfyUI's SD2 CLIP tokenizes each prompt into.
 */
class Sd2TokenizerGoldenTest {
    @TempDir
    Path embeddings;

    @Test
    void sd2TokensAreComfyUisPadWithZeroTokens() throws Exception {
        JsonNode golden = SharedFiles.json("golden/numeric-sdxl/tokenizer.json");
        Sd1Tokenizer sd2 = new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of(embeddings)).forClipH();
        int checked = 0;
        for (JsonNode prompt : golden.get("prompts")) {
            String text = prompt.get("text").asText();
            TokenizedPrompt tokens = sd2.tokenizeWithWeights(text);
            JsonNode chunks = prompt.get("streams").get("g");
            assertThat(tokens.chunkCount()).as(text).isEqualTo(chunks.size());
            for (int c = 0; c < chunks.size(); c++) {
                List<WeightedToken> row = tokens.chunks().get(c);
                JsonNode chunk = chunks.get(c);
                assertThat(row).hasSize(chunk.get("ids").size());
                for (int i = 0; i < row.size(); i++) {
                    String at = text + " chunk " + c + " position " + i;
                    assertThat(row.get(i).id()).as(at).isEqualTo(chunk.get("ids").get(i).asInt());
                    assertThat(row.get(i).weight()).as(at).isEqualTo(chunk.get("weights").get(i).asDouble());
                    assertThat(row.get(i).wordId()).as(at).isEqualTo(chunk.get("word_ids").get(i).asInt());
                }
            }
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }
}
