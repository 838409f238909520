package dev.comfy4j.model.hypernetwork;

import dev.comfy4j.model.LoadedModel;
import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.PickledObject;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hypernetwork as ComfyUI's {@code load_hypernetwork_patch} builds it: for each attention width
 * {@code dim} (an integer key of the file) two MLPs, one for the keys and one for the values, each a
 * sequence of linear layers ({@code *.weight}/{@code *.bias} of the file's state dict, in its order), the
 * activation after each but the last (after the last too with {@code activate_output}), a layer norm after
 * each linear layer with {@code is_layer_norm} (its weights are the next entry), dropout never (inference).
 * {@link #apply} is ComfyUI's patch: {@code k + mlp_k(k) * strength}, {@code v + mlp_v(v) * strength} when
 * the width of {@code k} has MLPs. Float32 copies of the file's weights, owned until {@link #close()}.
 */
public final class Hypernetwork implements LoadedModel {
    /** The query, key and value inputs of one attention, as ComfyUI's attention patches take and return them. */
    public record Qkv(Tensor q, Tensor k, Tensor v) {}

    private sealed interface Layer permits Linear, Act, Norm {
        Tensor forward(Tensor x);
    }

    private record Linear(Tensor weight, Tensor bias) implements Layer {
        public Tensor forward(Tensor x) {
            return Functional.linear(x, weight, bias);
        }
    }

    private record Act(Activation activation) implements Layer {
        public Tensor forward(Tensor x) {
            return activation.apply(x);
        }
    }

    private record Norm(Tensor weight, Tensor bias) implements Layer {
        public Tensor forward(Tensor x) {
            return Functional.layerNorm(x, new long[] {weight.size(0)}, weight, bias, 1e-5);
        }
    }

    private record Mlp(List<Layer> layers) {
        Tensor forward(Tensor x) {
            Tensor h = x;
            for (Layer l : layers) h = l.forward(h);
            return h;
        }
    }

    private final Map<Long, Mlp[]> byDim;
    private final List<Tensor> owned;

    private Hypernetwork(Map<Long, Mlp[]> byDim, List<Tensor> owned) {
        this.byDim = byDim;
        this.owned = owned;
    }

    /** Reads {@code path}; {@link ModelFileException} when it is no hypernetwork ComfyUI would load. */
    public static Hypernetwork read(Path path) throws ModelFileException {
        List<Tensor> owned = new ArrayList<>();
        try (PickledObject file = ModelFiles.loadPickledObject(path)) {
            if (!(file.root() instanceof Map<?, ?> sd)) throw new ModelFileException(path, "does not hold a dict");
            String activationName = option(sd, "activation_func", "linear", String.class, path);
            Activation activation = Activation.named(activationName).orElseThrow(() -> new ModelFileException(path,
                    "is an unsupported hypernetwork: activation_func '" + activationName + "' is not one of linear, relu,"
                            + " leakyrelu, elu, swish, tanh, sigmoid, softsign, mish"));
            boolean layerNorm = option(sd, "is_layer_norm", false, Boolean.class, path);
            boolean activateOutput = option(sd, "activate_output", false, Boolean.class, path);
            Map<Long, Mlp[]> byDim = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : sd.entrySet()) {
                if (!(e.getKey() instanceof Long dim)) continue; // options and names: ComfyUI skips what int() refuses
                if (!(e.getValue() instanceof List<?> pair) || pair.size() < 2) {
                    throw new ModelFileException(path, "entry " + dim + " is not a list of two state dicts");
                }
                Mlp[] mlps = new Mlp[2];
                for (int index = 0; index < 2; index++) {
                    mlps[index] = mlp(path, dim, pair.get(index), activation, layerNorm, activateOutput, owned);
                }
                byDim.put(dim, mlps);
            }
            if (byDim.isEmpty()) throw new ModelFileException(path, "holds no hypernetwork layers (no integer keys)");
            return new Hypernetwork(byDim, owned); // float32 copies: the file's tensors are freed here
        } catch (ModelFileException | RuntimeException e) {
            owned.forEach(Tensor::close);
            throw e;
        }
    }

    private static <T> T option(Map<?, ?> sd, String key, T fallback, Class<T> type, Path path) throws ModelFileException {
        Object v = sd.get(key);
        if (v == null) return fallback;
        if (!type.isInstance(v)) throw new ModelFileException(path, key + " is " + v + ", not a " + type.getSimpleName());
        return type.cast(v);
    }

    private static Mlp mlp(Path path, long dim, Object value, Activation activation, boolean layerNorm, boolean activateOutput,
                           List<Tensor> owned) throws ModelFileException {
        if (!(value instanceof Map<?, ?> weights)) throw new ModelFileException(path, "entry " + dim + " holds no state dict");
        List<String> linears = new ArrayList<>();
        for (Object k : weights.keySet()) {
            if (k instanceof String s && s.endsWith(".weight")) linears.add(s.substring(0, s.length() - ".weight".length()));
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < linears.size(); i++) {
            boolean last = i == linears.size() - 1;
            Tensor w = tensor(path, weights, linears.get(i) + ".weight", owned);
            Tensor b = tensor(path, weights, linears.get(i) + ".bias", owned);
            if (w.dim() != 2 || b.dim() != 1 || b.size(0) != w.size(0)) {
                throw new ModelFileException(path, "layer " + linears.get(i) + " of entry " + dim + " is not a linear layer");
            }
            layers.add(new Linear(w, b));
            if (activation != Activation.LINEAR && (!last || activateOutput)) layers.add(new Act(activation));
            if (layerNorm) {
                i++;
                if (i >= linears.size()) throw new ModelFileException(path, "entry " + dim + " lacks the layer norm of its last layer");
                layers.add(new Norm(tensor(path, weights, linears.get(i) + ".weight", owned),
                        tensor(path, weights, linears.get(i) + ".bias", owned)));
            }
        }
        return new Mlp(List.copyOf(layers));
    }

    private static Tensor tensor(Path path, Map<?, ?> weights, String key, List<Tensor> owned) throws ModelFileException {
        if (!(weights.get(key) instanceof Tensor t)) throw new ModelFileException(path, "has no tensor " + key);
        Tensor f = t.to(DType.F32).contiguous().clone().escapeScope();
        owned.add(f);
        return f;
    }

    /** The attention widths this hypernetwork patches. */
    public Set<Long> dims() {
        return Collections.unmodifiableSet(byDim.keySet());
    }

    /** ComfyUI's {@code hypernetwork_patch(q, k, v)}; new tensors in the caller's scope where it patches. */
    public Qkv apply(Tensor q, Tensor k, Tensor v, double strength) {
        Mlp[] mlps = byDim.get(k.size(k.dim() - 1));
        if (mlps == null) return new Qkv(q, k, v);
        return new Qkv(q, k.add(mlps[0].forward(k).mul(strength)), v.add(mlps[1].forward(v).mul(strength)));
    }

    /** The float32 weights' bytes. */
    @Override
    public long byteSize() {
        return owned.stream().mapToLong(t -> t.numel() * Float.BYTES).sum();
    }

    @Override
    public void close() {
        owned.forEach(Tensor::close);
    }
}
