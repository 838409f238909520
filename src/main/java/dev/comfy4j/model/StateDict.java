package dev.comfy4j.model;

import dev.comfy4j.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint's named tensors, as ComfyUI's {@code load_torch_file} returns them, plus the file's
 * metadata. It owns the tensors and whatever backs them (a memory mapping); {@link #close()} frees
 * both. Tensors handed out by {@link #get} stay owned by this state dict.
 *
 * <p>Reading from several threads is safe; closing must not race with use.
 */
public final class StateDict implements AutoCloseable {
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;
    private final List<AutoCloseable> backing;
    private boolean closed;

    StateDict(Map<String, Tensor> tensors, Map<String, String> metadata, List<AutoCloseable> backing) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Map.copyOf(metadata);
        this.backing = List.copyOf(backing);
        for (Tensor t : this.tensors.values()) t.escapeScope();
    }

    public Set<String> keys() {
        return tensors.keySet();
    }

    public boolean contains(String key) {
        return tensors.containsKey(key);
    }

    /** The tensor named {@code key}; null when absent. */
    public Tensor get(String key) {
        if (closed) throw new IllegalStateException("state dict is closed");
        return tensors.get(key);
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** Shapes by key, for architecture detection. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        tensors.forEach((k, t) -> out.put(k, t.shape()));
        return out;
    }

    /** safetensors {@code __metadata__}; empty for pickle checkpoints. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Bytes of all tensors (what they take once in RAM). */
    public long byteSize() {
        long n = 0;
        for (Tensor t : tensors.values()) n += t.nbytes();
        return n;
    }

    public int size() {
        return tensors.size();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Tensor t : tensors.values()) t.close();
        for (AutoCloseable c : backing) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release a model file", e);
            }
        }
    }
}
