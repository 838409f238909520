package dev.comfy4j.model.clip;

/**
 * ComfyUI's {@code SDXLTokenizer}: every prompt is tokenized twice, once for CLIP-G (padded with 0)
 * and once for CLIP-L (padded with the end token, as in SD1). Both share one vocabulary and the SD1
 * weighting and chunking rules. Thread-safe.
 */
public final class SdxlTokenizer {
    private final Sd1Tokenizer g;
    private final Sd1Tokenizer l;

    /** The SDXL tokenizer over the CLIP-L tokenizer {@code l} (its vocabulary and embedding folders). */
    public SdxlTokenizer(Sd1Tokenizer l) {
        this.l = l;
        this.g = l.forClipG();
    }

    public Sd1Tokenizer g() {
        return g;
    }

    public Sd1Tokenizer l() {
        return l;
    }

    /** {@code tokenize_with_weights(text)}: the {@code g} and {@code l} streams of one text. */
    public SdxlTokens tokenizeWithWeights(String text) {
        return new SdxlTokens(g.tokenizeWithWeights(text), l.tokenizeWithWeights(text));
    }
}
