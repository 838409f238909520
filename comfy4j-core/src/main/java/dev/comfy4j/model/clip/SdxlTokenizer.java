package dev.comfy4j.model.clip;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * {@code CLIPTextEncodeSDXL}'s tokens: {@code textG} in the g stream, {@code textL} in the l stream;
     * when their chunk counts differ, the shorter stream gets whole empty-prompt chunks until they match.
     */
    public SdxlTokens tokenizePair(String textG, String textL) {
        List<List<WeightedToken>> gChunks = new ArrayList<>(g.tokenizeWithWeights(textG).chunks());
        List<List<WeightedToken>> lChunks = new ArrayList<>(l.tokenizeWithWeights(textL).chunks());
        if (gChunks.size() != lChunks.size()) {
            SdxlTokens empty = tokenizeWithWeights("");
            while (lChunks.size() < gChunks.size()) lChunks.addAll(empty.l().chunks());
            while (lChunks.size() > gChunks.size()) gChunks.addAll(empty.g().chunks());
        }
        return new SdxlTokens(new TokenizedPrompt(gChunks), new TokenizedPrompt(lChunks));
    }
}
