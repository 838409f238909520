package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's {@code SDXLTokenizer.tokenize_with_weights} outputs for the prompts of
 * shared/golden/numeric-sdxl/tokenizer.json: both streams ({@code g} padded with 0, {@code l} with the
 * end token), ids, weights (as doubles) and word ids, position by position.
 */
class SdxlTokenizerGoldenTest {
    @TempDir
    Path embeddings;

    @Test
    void everyGoldenPromptIsTokenizedExactlyInBothStreams() throws Exception {
        JsonNode golden = SharedFiles.json("golden/numeric-sdxl/tokenizer.json");
        SdxlTokenizer tokenizer = new SdxlTokenizer(new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of(embeddings)));
        int checked = 0;
        boolean sawZeroPadding = false;
        for (JsonNode prompt : golden.get("prompts")) {
            String text = prompt.get("text").asText();
            SdxlTokens actual = tokenizer.tokenizeWithWeights(text);
            for (String stream : List.of("g", "l")) {
                TokenizedPrompt tokens = stream.equals("g") ? actual.g() : actual.l();
                String label = "prompt " + prompt.get("index").asInt() + " stream " + stream + " " + text;
                assertThat(tokens.chunkCount()).as(label).isEqualTo(prompt.get("num_chunks").get(stream).asInt());
                for (int c = 0; c < tokens.chunkCount(); c++) {
                    JsonNode chunk = prompt.get("streams").get(stream).get(c);
                    List<WeightedToken> row = tokens.chunks().get(c);
                    assertThat(row).as(label + " chunk " + c).hasSize(chunk.get("ids").size());
                    for (int i = 0; i < row.size(); i++) {
                        WeightedToken t = row.get(i);
                        String at = label + " chunk " + c + " position " + i;
                        assertThat(t.id()).as(at + " id").isEqualTo(chunk.get("ids").get(i).asInt());
                        assertThat(t.weight()).as(at + " weight").isEqualTo(chunk.get("weights").get(i).asDouble());
                        assertThat(t.wordId()).as(at + " word id").isEqualTo(chunk.get("word_ids").get(i).asInt());
                        if (stream.equals("g") && t.id() == 0) sawZeroPadding = true;
                    }
                }
            }
            checked++;
        }
        assertThat(checked).isEqualTo(golden.get("prompts").size()).isGreaterThanOrEqualTo(10);
        assertThat(sawZeroPadding).as("the g stream pads with 0").isTrue();
    }
}
