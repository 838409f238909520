package dev.comfy4j.model.clip;

import java.util.Arrays;

/**
 * One position of a tokenized prompt: a vocabulary id, or a textual-inversion vector in its place
 * ({@code embedding} non-null, {@code id} then -1); its weight (a Python double); and ComfyUI's word
 * id (0 for start, end and padding tokens, else the 1-based index of the word or embedding).
 */
public record WeightedToken(int id, float[] embedding, double weight, int wordId) {
    public static WeightedToken token(int id, double weight, int wordId) {
        return new WeightedToken(id, null, weight, wordId);
    }

    public static WeightedToken vector(float[] embedding, double weight, int wordId) {
        return new WeightedToken(-1, embedding, weight, wordId);
    }

    public boolean isEmbedding() {
        return embedding != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightedToken t && id == t.id && Arrays.equals(embedding, t.embedding)
                && Double.compare(weight, t.weight) == 0 && wordId == t.wordId;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * id + Arrays.hashCode(embedding)) + Double.hashCode(weight)) + wordId;
    }

    @Override
    public String toString() {
        return "(" + (isEmbedding() ? "embedding[" + embedding.length + "]" : Integer.toString(id)) + ", " + weight + ", " + wordId + ")";
    }
}
