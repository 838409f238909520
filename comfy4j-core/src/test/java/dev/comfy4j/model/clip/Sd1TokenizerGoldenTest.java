package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's {@code SD1Tokenizer.tokenize_with_weights} outputs for the 15 prompts of
 * shared/golden/numeric/tokenizer.json: ids, weights (as doubles) and word ids, position by position.
 * The golden run had an embeddings folder without the named embeddings, as here.
 */
class Sd1TokenizerGoldenTest {
    @TempDir
    Path embeddings;

    @Test
    void everyGoldenPromptIsTokenizedExactly() throws Exception {
        JsonNode golden = SharedFiles.json("golden/numeric/tokenizer.json");
        Sd1Tokenizer tokenizer = new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of(embeddings));
        int checked = 0;
        for (JsonNode prompt : golden.get("prompts")) {
            String text = prompt.get("text").asText();
            TokenizedPrompt actual = tokenizer.tokenizeWithWeights(text);
            String label = "prompt " + prompt.get("index").asInt() + " " + text;
            assertThat(actual.chunkCount()).as(label).isEqualTo(prompt.get("num_chunks").asInt());
            for (int c = 0; c < actual.chunkCount(); c++) {
                JsonNode chunk = prompt.get("chunks").get(c);
                List<WeightedToken> tokens = actual.chunks().get(c);
                assertThat(tokens).as(label + " chunk " + c).hasSize(chunk.get("ids").size());
                for (int i = 0; i < tokens.size(); i++) {
                    WeightedToken t = tokens.get(i);
                    String at = label + " chunk " + c + " position " + i;
                    assertThat(t.isEmbedding()).as(at).isFalse();
                    assertThat(t.id()).as(at + " id").isEqualTo(chunk.get("ids").get(i).asInt());
                    assertThat(t.weight()).as(at + " weight").isEqualTo(chunk.get("weights").get(i).asDouble());
                    assertThat(t.wordId()).as(at + " word id").isEqualTo(chunk.get("word_ids").get(i).asInt());
                }
            }
            checked++;
        }
        assertThat(checked).isEqualTo(15);
    }
}
