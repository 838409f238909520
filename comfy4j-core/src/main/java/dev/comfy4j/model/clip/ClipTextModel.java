package dev.comfy4j.model.clip;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CLIP text transformer as ComfyUI runs it ({@code comfy/clip_model.py}): token and position
 * embeddings, pre-norm layers with causal self-attention and MLPs, a final layer norm. Two models use
 * it: the CLIP-L of SD1 and SDXL (Hugging Face layout, quick-GELU) and SDXL's OpenCLIP ViT-bigG
 * ({@link #fromTowerView}: open_clip or Hugging Face layout, exact GELU, projected pooled output). Weights are kept in fp16 (ComfyUI's text-encoder dtype; an fp16 file is used in place,
 * without a copy) and each one is cast to fp32 when its layer runs, so all arithmetic is fp32, as
 * with ComfyUI's {@code manual_cast}.
 *
 * <p>{@link #forward} may be called from several threads at once; {@link #close} must not race with it.
 */
public final class ClipTextModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClipTextModel.class);
    /** The CLIP-L keys inside an SD1 checkpoint. */
    public static final String CHECKPOINT_PREFIX = "cond_stage_model.transformer.text_model.";
    /** The keys of a standalone CLIP-L file (transformers' layout). */
    public static final String TEXT_ENCODER_PREFIX = "text_model.";
    private static final List<String> KNOWN_PREFIXES = List.of(CHECKPOINT_PREFIX, TEXT_ENCODER_PREFIX, "transformer.text_model.");
    private static final int HEAD_DIM = 64;
    private static final double LAYER_NORM_EPS = 1e-5;
    /** CLIP's end-of-text id: the pooled output is taken at its first occurrence. */
    public static final int EOS_TOKEN = 49407;

    private record Linear(Tensor weight, Tensor bias) {}

    private record Norm(Tensor weight, Tensor bias) {}

    private record Layer(Norm norm1, Linear q, Linear k, Linear v, Linear out, Norm norm2, Linear fc1, Linear fc2) {}

    /** The transformer's outputs for a batch: the last layer, the chosen intermediate layer (or null), the pooled rows. */
    public record Hidden(Tensor last, Tensor intermediate, Tensor pooled) {}

    private final Tensor tokenEmbedding;
    private final Tensor positionEmbedding;
    private final Layer[] layers;
    private final Norm finalNorm;
    /** OpenCLIP's {@code text_projection} P (pooled = x @ P), or null when the model has none. */
    private final Tensor textProjection;
    private final boolean quickGelu;
    /** The token that replaces a dropped embedding: the end token for CLIP-L, 0 for CLIP-G. */
    private final long padToken;
    private final int width;
    private final int heads;
    private final List<Tensor> ownedCopies;
    private final StateDict ownedWeights;

    /** Reads a weight by its Hugging Face name (relative to {@code text_model.}); null when absent. */
    @FunctionalInterface
    private interface Weights {
        Tensor get(String name, List<Tensor> copies);
    }

    private ClipTextModel(StateDict sd, String prefix, boolean ownsWeights) {
        this(hfLayout(sd, prefix), prefix, true, null, EOS_TOKEN, ownsWeights ? sd : null);
    }

    private ClipTextModel(Weights sd, String prefix, boolean quickGelu, Tensor projection, long padToken, StateDict owned) {
        List<Tensor> copies = new ArrayList<>();
        this.ownedCopies = copies;
        this.quickGelu = quickGelu;
        this.padToken = padToken;
        try {
            this.tokenEmbedding = weight(sd, prefix, "embeddings.token_embedding.weight", copies);
            this.positionEmbedding = weight(sd, prefix, "embeddings.position_embedding.weight", copies);
            this.width = (int) tokenEmbedding.size(1);
            this.heads = width / HEAD_DIM;
            int count = 0;
            while (sd.get("encoder.layers." + count + ".layer_norm1.weight", copies) != null) count++;
            if (count == 0) throw new IllegalArgumentException("no encoder layers under " + prefix + "encoder.layers.");
            this.layers = new Layer[count];
            for (int i = 0; i < count; i++) {
                String p = "encoder.layers." + i + ".";
                layers[i] = new Layer(norm(sd, prefix, p + "layer_norm1", copies),
                        linear(sd, prefix, p + "self_attn.q_proj", copies), linear(sd, prefix, p + "self_attn.k_proj", copies),
                        linear(sd, prefix, p + "self_attn.v_proj", copies), linear(sd, prefix, p + "self_attn.out_proj", copies),
                        norm(sd, prefix, p + "layer_norm2", copies),
                        linear(sd, prefix, p + "mlp.fc1", copies), linear(sd, prefix, p + "mlp.fc2", copies));
            }
            this.finalNorm = norm(sd, prefix, "final_layer_norm", copies);
            this.textProjection = projection == null ? null : f16(projection, copies);
        } catch (RuntimeException e) {
            copies.forEach(Tensor::close);
            throw new IllegalArgumentException("not a CLIP text model under '" + prefix + "': " + e.getMessage(), e);
        }
        this.ownedWeights = owned;
    }

    private static Weights hfLayout(StateDict sd, String prefix) {
        return (name, copies) -> sd.get(prefix + name);
    }

    /**
     * SDXL's CLIP-G from the view {@link OpenClipTowerWeights#clipG} gives (ComfyUI's names, either file layout). The
     * view stays the caller's.
     */
    public static ClipTextModel fromClipGWeights(StateDict view) {
        return fromTowerView(view, OpenClipTowerWeights.CLIP_G_PREFIX, false);
    }

    /**
     * An OpenCLIP text tower from a {@link OpenClipTowerWeights#view(StateDict, String, String)} under {@code names}
     * (SDXL's CLIP-G, SD2.x's ViT-H): exact GELU, pooled output through {@code text_projection} (the identity
     * when the file has none, as ComfyUI's model starts it), dropped
     * embeddings padded with 0. With {@code ownsView} the model closes the view; else it stays the caller's.
     */
    public static ClipTextModel fromTowerView(StateDict view, String names, boolean ownsView) {
        Tensor weight = view.get(names + "text_projection.weight");
        if (weight == null) {
            // ComfyUI's CLIPTextModel starts text_projection as the identity: a file without one pools unprojected
            return new ClipTextModel(hfLayout(view, names + "text_model."), names + "text_model.", false, null, 0,
                    ownsView ? view : null);
        }
        // The linear weight is P transposed; the model uses P (pooled = x @ P).
        Tensor projection = weight.transpose(0, 1).escapeScope();
        try {
            ClipTextModel model = new ClipTextModel(hfLayout(view, names + "text_model."),
                    names + "text_model.", false, projection, 0, ownsView ? view : null);
            if (model.textProjection != projection) projection.close();
            else model.ownedCopies.add(projection);
            return model;
        } catch (RuntimeException e) {
            projection.close();
            throw e;
        }
    }

    /**
     * A model over the CLIP-L weights of {@code sd}: an SD1 checkpoint ({@value #CHECKPOINT_PREFIX})
     * or a standalone text-encoder file ({@value #TEXT_ENCODER_PREFIX}). The state dict stays the
     * caller's and must outlive the model.
     */
    public static ClipTextModel fromStateDict(StateDict sd) {
        return new ClipTextModel(sd, prefixOf(sd), false);
    }

    public static ClipTextModel fromStateDict(StateDict sd, String prefix) {
        return new ClipTextModel(sd, prefix, false);
    }

    private static String prefixOf(StateDict sd) {
        for (String prefix : KNOWN_PREFIXES) {
            if (sd.contains(prefix + "embeddings.token_embedding.weight")) return prefix;
        }
        throw new IllegalArgumentException("no CLIP-L text model in these weights (no embeddings.token_embedding.weight under any of "
                + KNOWN_PREFIXES + ")");
    }

    /** Opens a standalone CLIP-L file (or a checkpoint); the model owns and closes the file. */
    public static ClipTextModel open(Path file) throws ModelFileException {
        StateDict sd = ModelFiles.loadStateDict(file);
        try {
            return new ClipTextModel(sd, prefixOf(sd), true);
        } catch (RuntimeException e) {
            sd.close();
            throw new ModelFileException(file, "cannot be used as a CLIP-L text encoder: " + e.getMessage(), e);
        }
    }

    public int layerCount() {
        return layers.length;
    }

    public int width() {
        return width;
    }

    public int maxPositions() {
        return (int) positionEmbedding.size(0);
    }

    /**
     * Runs the transformer over a batch of equally long sequences (ComfyUI's {@code SDClipModel.forward}
     * with the textual-inversion set-up). Results are float32 and owned by the caller's scope.
     *
     * @param intermediateLayer the 0-based layer whose output (through the final layer norm) is also
     *     returned, or -1 for none
     */
    public Hidden forward(List<List<WeightedToken>> sequences, int intermediateLayer) {
        return forward(sequences, intermediateLayer, true);
    }

    /**
     * As {@link #forward(List, int)}; {@code normalizeIntermediate} false returns the intermediate layer's
     * output without the final layer norm (ComfyUI's {@code layer_norm_hidden_state=False}, SDXL's rule).
     * The pooled output is OpenCLIP's projected one when the model has a {@code text_projection}.
     */
    public Hidden forward(List<List<WeightedToken>> sequences, int intermediateLayer, boolean normalizeIntermediate) {
        if (sequences.isEmpty()) throw new IllegalArgumentException("no sequences to encode");
        int batch = sequences.size();
        int length = sequences.getFirst().size();
        if (length > maxPositions()) throw new IllegalArgumentException(length + " tokens exceed the " + maxPositions() + " positions");
        long[][] ids = new long[batch][];
        float[][] vectors = new float[batch * length][];
        for (int b = 0; b < batch; b++) {
            if (sequences.get(b).size() != length) throw new IllegalArgumentException("sequences of different lengths");
            ids[b] = resolveEmbeddings(sequences.get(b), vectors, b * length);
        }
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = embed(ids, vectors, batch, length);
            Tensor mask = causalMask(length);
            Tensor intermediate = null;
            for (int i = 0; i < layers.length; i++) {
                try (TensorScope layerScope = TensorScope.open()) {
                    x = layerScope.keep(layer(layers[i], x, mask, batch, length));
                }
                if (i == intermediateLayer) intermediate = x;
            }
            Tensor last = layerNorm(x, finalNorm);
            Tensor inter = intermediate == null ? null
                    : scope.keep(normalizeIntermediate ? layerNorm(intermediate, finalNorm) : intermediate);
            Tensor pooled = pooled(last, ids);
            if (textProjection != null) {
                Tensor p = textProjection.to(DType.F32);
                // ComfyUI stores P transposed as a Linear weight; F.linear(x, P^T) is x @ P.
                pooled = Functional.linear(pooled, p.transpose(0, 1).contiguous(), null);
            }
            pooled = scope.keep(pooled);
            return new Hidden(scope.keep(last), inter, pooled);
        }
    }

    /**
     * Token ids with textual-inversion vectors given ids past the vocabulary (their rows go to
     * {@code vectors}); a vector of the wrong width is dropped with ComfyUI's warning and the sequence
     * is padded with the end token, as ComfyUI's {@code set_up_textual_embeddings} does.
     */
    private long[] resolveEmbeddings(List<WeightedToken> sequence, float[][] vectors, int offset) {
        long[] out = new long[sequence.size()];
        int n = 0;
        for (WeightedToken t : sequence) {
            if (!t.isEmbedding()) {
                out[n++] = t.id();
            } else if (t.embedding().length == width) {
                vectors[offset + n] = t.embedding();
                out[n++] = -1;
            } else {
                LOG.warn("WARNING: shape mismatch when trying to apply embedding, embedding will be ignored {} != {}",
                        t.embedding().length, width);
            }
        }
        while (n < out.length) out[n++] = padToken;
        return out;
    }

    private Tensor embed(long[][] ids, float[][] vectors, int batch, int length) {
        long[] flat = new long[batch * length];
        boolean anyVector = false;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < length; i++) {
                long id = ids[b][i];
                if (id < 0) anyVector = true;
                flat[b * length + i] = Math.max(id, 0);
            }
        }
        Tensor rows = tokenEmbedding.indexSelect(0, Tensor.fromLongs(flat, flat.length)).to(DType.F32);
        if (anyVector) {
            // The vectors take the table's dtype first, as ComfyUI writes them into an fp16 embedding.
            float[] values = new float[flat.length * width];
            boolean[] isVector = new boolean[flat.length];
            for (int r = 0; r < flat.length; r++) {
                if (vectors[r] != null) {
                    System.arraycopy(vectors[r], 0, values, r * width, width);
                    isVector[r] = true;
                }
            }
            float[] maskValues = new float[flat.length];
            for (int r = 0; r < flat.length; r++) maskValues[r] = isVector[r] ? 1f : 0f;
            Tensor spliced = Tensor.fromFloats(values, flat.length, width).to(tokenEmbedding.dtype()).to(DType.F32);
            Tensor where = Tensor.fromFloats(maskValues, flat.length, 1).gt(0.5);
            rows = Tensor.where(where, spliced, rows);
        }
        Tensor positions = positionEmbedding.narrow(0, 0, length).to(DType.F32);
        return rows.view(batch, length, width).add(positions);
    }

    private static Tensor causalMask(int length) {
        float[] m = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) m[i * length + j] = Float.NEGATIVE_INFINITY;
        }
        return Tensor.fromFloats(m, length, length);
    }

    private Tensor layer(Layer l, Tensor x, Tensor mask, int batch, int length) {
        Tensor h = layerNorm(x, l.norm1());
        Tensor attended = attention(linear(h, l.q()), linear(h, l.k()), linear(h, l.v()), mask, batch, length);
        x = x.add(linear(attended, l.out()));
        Tensor m = linear(layerNorm(x, l.norm2()), l.fc1());
        m = quickGelu ? m.mul(m.mul(1.702).sigmoid()) : Functional.gelu(m);
        return x.add(linear(m, l.fc2()));
    }

    /** ComfyUI's {@code attention_basic}: softmax(q k^T * scale + mask) v, per head. */
    private Tensor attention(Tensor q, Tensor k, Tensor v, Tensor mask, int batch, int length) {
        Tensor qh = heads(q, batch, length);
        Tensor kh = heads(k, batch, length);
        Tensor vh = heads(v, batch, length);
        Tensor sim = Functional.bmm(qh, kh.transpose(1, 2)).mul(Math.pow(HEAD_DIM, -0.5)).add(mask);
        Tensor out = Functional.bmm(Functional.softmax(sim, -1), vh);
        return out.view(batch, heads, length, HEAD_DIM).permute(0, 2, 1, 3).reshape(batch, length, width);
    }

    private Tensor heads(Tensor t, int batch, int length) {
        return t.view(batch, length, heads, HEAD_DIM).permute(0, 2, 1, 3).reshape(batch * heads, length, HEAD_DIM);
    }

    private static Tensor linear(Tensor x, Linear l) {
        return Functional.linear(x, l.weight().to(DType.F32), l.bias().to(DType.F32));
    }

    private Tensor layerNorm(Tensor x, Norm n) {
        return Functional.layerNorm(x, new long[]{width}, n.weight().to(DType.F32), n.bias().to(DType.F32), LAYER_NORM_EPS);
    }

    /** Each sequence's row at its first end token (position 0 when there is none, like torch's argmax). */
    private Tensor pooled(Tensor last, long[][] ids) {
        List<Tensor> rows = new ArrayList<>();
        for (int b = 0; b < ids.length; b++) {
            int at = 0;
            for (int i = 0; i < ids[b].length; i++) {
                if (ids[b][i] == EOS_TOKEN) {
                    at = i;
                    break;
                }
            }
            rows.add(last.select(0, b).select(0, at));
        }
        return Tensor.stack(rows, 0);
    }

    private static Tensor weight(Weights sd, String prefix, String key, List<Tensor> copies) {
        Tensor t = sd.get(key, copies);
        if (t == null) throw new IllegalArgumentException("missing " + prefix + key);
        return f16(t, copies);
    }

    private static Tensor f16(Tensor t, List<Tensor> copies) {
        if (t.dtype() == DType.F16) return t;
        // ComfyUI keeps text encoders in fp16 on every device unless told otherwise: round once here.
        Tensor copy = t.to(DType.F16).escapeScope();
        copies.add(copy);
        return copy;
    }

    private static Linear linear(Weights sd, String prefix, String name, List<Tensor> copies) {
        return new Linear(weight(sd, prefix, name + ".weight", copies), weight(sd, prefix, name + ".bias", copies));
    }

    private static Norm norm(Weights sd, String prefix, String name, List<Tensor> copies) {
        return new Norm(weight(sd, prefix, name + ".weight", copies), weight(sd, prefix, name + ".bias", copies));
    }

    @Override
    public void close() {
        ownedCopies.forEach(Tensor::close);
        ownedCopies.clear();
        if (ownedWeights != null) ownedWeights.close();
    }

    @Override
    public String toString() {
        return "ClipTextModel[" + layers.length + " layers, width " + width + ", " + heads + " heads"
                + (textProjection != null ? ", projection" : "") + ", positions "
                + Arrays.toString(positionEmbedding.shape()) + "]";
    }
}
