package dev.comfy4j.model.clip;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * ComfyUI's {@code SDXLClipModel}: CLIP-L and OpenCLIP ViT-bigG side by side. Each stream is encoded
 * by its own encoder with the SD1 token-weight rules (the "empty" sequence is padded with the
 * stream's pad token); the conditioning is {@code cat(l, g)} along the channels (768 + 1280 = 2048),
 * the longer stream cut to the shorter; the pooled output is CLIP-G's projected one. Both encoders use
 * the penultimate layer without the final layer norm unless CLIPSetLastLayer says otherwise.
 *
 * <p>Immutable; clones share the weights.
 */
public final class SdxlClip {
    private final SdxlTokenizer tokenizer;
    private final Clip l;
    private final Clip g;

    public SdxlClip(SdxlTokenizer tokenizer, ClipTextModel clipL, ClipTextModel clipG) {
        this(tokenizer, Clip.sdxlEncoder(tokenizer.l(), clipL), Clip.sdxlEncoder(tokenizer.g(), clipG));
    }

    private SdxlClip(SdxlTokenizer tokenizer, Clip l, Clip g) {
        this.tokenizer = tokenizer;
        this.l = l;
        this.g = g;
    }

    /** {@code SDXLClipModel.clip_layer}: both encoders take layer {@code layer} (-1 the last, ...). */
    public SdxlClip withLastLayer(int layer) {
        return new SdxlClip(tokenizer, l.withLastLayer(layer), g.withLastLayer(layer));
    }

    public SdxlTokenizer tokenizer() {
        return tokenizer;
    }

    /** {@code CLIPTextEncode}: the same text in both streams. */
    public ClipOutput encode(String text) {
        return encodeFromTokens(tokenizer.tokenizeWithWeights(text));
    }

    /** Cond {@code [1, 77*chunks, 2048]} and pooled {@code [1, 1280]}, both in the caller's scope. */
    public ClipOutput encodeFromTokens(SdxlTokens tokens) {
        try (TensorScope scope = TensorScope.open()) {
            ClipOutput gOut = g.encodeFromTokens(tokens.g());
            ClipOutput lOut = l.encodeFromTokens(tokens.l());
            long cutTo = Math.min(lOut.cond().size(1), gOut.cond().size(1));
            Tensor cond = Tensor.cat(List.of(lOut.cond().narrow(1, 0, cutTo), gOut.cond().narrow(1, 0, cutTo)), 2);
            return new ClipOutput(scope.keep(cond), scope.keep(gOut.pooled()));
        }
    }

    @Override
    public String toString() {
        return "SdxlClip[l=" + l + ", g=" + g + "]";
    }
}
