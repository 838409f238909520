package dev.comfy4j.model.clip;

import java.util.List;

/**
 * What {@code SD1Tokenizer.tokenize_with_weights(text, return_word_ids=True)} returns: chunks of 77
 * positions, each {@code start ... end} padded with the end token.
 */
public record TokenizedPrompt(List<List<WeightedToken>> chunks) {
    public TokenizedPrompt {
        chunks = chunks.stream().map(List::copyOf).toList();
    }

    public int chunkCount() {
        return chunks.size();
    }

    /** True when some position has a weight other than 1, which makes the encoder weight tokens. */
    public boolean hasWeights() {
        return chunks.stream().flatMap(List::stream).anyMatch(t -> t.weight() != 1.0);
    }
}
