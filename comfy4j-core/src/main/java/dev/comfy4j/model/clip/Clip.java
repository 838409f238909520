package dev.comfy4j.model.clip;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * An SD1 CLIP (or one of the two encoders of SDXL) as ComfyUI holds it: the prompt tokenizer, the text model and
 * the layer option of {@code CLIPSetLastLayer}. {@link #encodeFromTokens} is ComfyUI's
 * {@code ClipTokenWeightEncoder.encode_token_weights}: every chunk is encoded in one batch; when any
 * weight differs from 1, an empty prompt ({@code start, end, end...}) joins the batch and each
 * weighted position becomes {@code (z - z_empty) * w + z_empty}; the chunks are concatenated along
 * the tokens; the pooled output is the first chunk's.
 *
 * <p>Immutable; clones share the tokenizer and the weights. Thread-safe as far as the model is.
 */
public final class Clip {
    private final Sd1Tokenizer tokenizer;
    private final ClipTextModel model;
    /** ComfyUI's {@code layer_idx}: null for the last layer, else the negative index CLIPSetLastLayer set. */
    private final Integer layerIdx;
    /** ComfyUI's {@code layer_norm_hidden_state}: whether an intermediate layer goes through the final layer norm. */
    private final boolean normalizeHidden;

    public Clip(Sd1Tokenizer tokenizer, ClipTextModel model) {
        this(tokenizer, model, null, true);
    }

    private Clip(Sd1Tokenizer tokenizer, ClipTextModel model, Integer layerIdx, boolean normalizeHidden) {
        this.tokenizer = tokenizer;
        this.model = model;
        this.layerIdx = layerIdx;
        this.normalizeHidden = normalizeHidden;
    }

    /**
     * One of SDXL's two encoders ({@code SDXLClipModel}'s {@code clip_l} and {@code clip_g}): the
     * penultimate layer by default ({@code layer="hidden", layer_idx=-2}) and never the final layer
     * norm on an intermediate layer ({@code layer_norm_hidden_state=False}).
     */
    public static Clip sdxlEncoder(Sd1Tokenizer tokenizer, ClipTextModel model) {
        return new Clip(tokenizer, model, -2, false);
    }

    /**
     * SD2.x's encoder ({@code SD2ClipHModel}, OpenCLIP ViT-H): the penultimate layer by default
     * ({@code layer="hidden", layer_idx=-2}) through the final layer norm ({@code layer_norm_hidden_state}
     * keeps its default, True); the tokenizer should be {@link Sd1Tokenizer#forClipH()}.
     */
    public static Clip sd2Encoder(Sd1Tokenizer tokenizer, ClipTextModel model) {
        return new Clip(tokenizer, model, -2, true);
    }

    /**
     * A clone that encodes with the output of layer {@code layer} (CLIPSetLastLayer's
     * {@code stop_at_clip_layer}: -1 is the last layer, -2 the one before, ...), through the final
     * layer norm unless this is an SDXL encoder. The pooled output always comes from the last layer,
     * as in ComfyUI.
     */
    public Clip withLastLayer(int layer) {
        if (layer >= model.layerCount()) {
            throw new IllegalArgumentException("layer " + layer + " does not exist in a " + model.layerCount() + "-layer CLIP");
        }
        return new Clip(tokenizer, model, layer, normalizeHidden);
    }

    public Integer layerIdx() {
        return layerIdx;
    }

    public Sd1Tokenizer tokenizer() {
        return tokenizer;
    }

    public ClipTextModel model() {
        return model;
    }

    public TokenizedPrompt tokenize(String text) {
        return tokenizer.tokenizeWithWeights(text);
    }

    /** {@code CLIPTextEncode}: tokenize, then {@link #encodeFromTokens}. */
    public ClipOutput encode(String text) {
        return encodeFromTokens(tokenize(text));
    }

    /** The conditioning and pooled output; both tensors belong to the caller's scope. */
    public ClipOutput encodeFromTokens(TokenizedPrompt tokens) {
        List<List<WeightedToken>> chunks = tokens.chunks();
        if (chunks.isEmpty()) throw new IllegalArgumentException("no token chunks to encode");
        boolean weighted = tokens.hasWeights();
        int maxLength = chunks.stream().mapToInt(List::size).max().orElse(0);
        List<List<WeightedToken>> batch = new ArrayList<>(chunks);
        if (weighted) batch.add(emptyTokens(maxLength));
        try (TensorScope scope = TensorScope.open()) {
            ClipTextModel.Hidden hidden = model.forward(batch, intermediateIndex(), normalizeHidden);
            Tensor z = hidden.intermediate() != null ? hidden.intermediate() : hidden.last();
            List<Tensor> parts = new ArrayList<>();
            for (int k = 0; k < chunks.size(); k++) {
                Tensor part = z.narrow(0, k, 1);
                if (weighted) part = applyWeights(part, z.select(0, batch.size() - 1), chunks.get(k));
                parts.add(part);
            }
            Tensor cond = Tensor.cat(parts, 1);
            Tensor pooled = hidden.pooled().narrow(0, 0, 1).contiguous();
            return new ClipOutput(scope.keep(cond), scope.keep(pooled));
        }
    }

    /** The encoder layer whose output is used, 0-based, or -1 for the last layer (ComfyUI's "last" mode). */
    private int intermediateIndex() {
        if (layerIdx == null || Math.abs(layerIdx) > model.layerCount()) return -1;
        return layerIdx < 0 ? model.layerCount() + layerIdx : layerIdx;
    }

    /** {@code z[j] = (z[j] - empty[j]) * w[j] + empty[j]} where {@code w[j] != 1}; other positions unchanged. */
    private static Tensor applyWeights(Tensor z, Tensor empty, List<WeightedToken> chunk) {
        float[] w = new float[chunk.size()];
        float[] changed = new float[chunk.size()];
        for (int j = 0; j < w.length; j++) {
            double weight = chunk.get(j).weight();
            w[j] = (float) weight;
            changed[j] = weight != 1.0 ? 1f : 0f;
        }
        Tensor weights = Tensor.fromFloats(w, 1, w.length, 1);
        Tensor mask = Tensor.fromFloats(changed, 1, w.length, 1).gt(0.5);
        Tensor moved = z.sub(empty).mul(weights).add(empty);
        return Tensor.where(mask, moved, z);
    }

    private List<WeightedToken> emptyTokens(int length) {
        int start = tokenizer.clipTokenizer().startToken();
        int end = tokenizer.clipTokenizer().endToken();
        List<WeightedToken> out = new ArrayList<>(length);
        out.add(WeightedToken.token(start, 1.0, 0));
        out.add(WeightedToken.token(end, 1.0, 0));
        while (out.size() < length) out.add(WeightedToken.token(tokenizer.padToken(), 1.0, 0));
        return out;
    }

    @Override
    public String toString() {
        return "Clip[" + model + ", layer " + (layerIdx == null ? "last" : layerIdx) + (normalizeHidden ? "" : ", no final norm") + "]";
    }
}
