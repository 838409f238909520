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
    private final boolean ownsTensors;
    /** Where a {@link #recording} view notes the keys {@link #get} hands out; null otherwise. */
    private final Set<String> reads;
    /** The mapped files the tensors (of this state dict or of the base of this view) may point into. */
    private final List<SafetensorsFile> mappedFiles;
    private boolean closed;

    StateDict(Map<String, Tensor> tensors, Map<String, String> metadata, List<AutoCloseable> backing) {
        this(tensors, metadata, backing, true, null,
                backing.stream().filter(SafetensorsFile.class::isInstance).map(SafetensorsFile.class::cast).toList());
    }

    private StateDict(Map<String, Tensor> tensors, StateDict base, List<AutoCloseable> owned) {
        this(tensors, base.metadata, owned, false, null, base.mappedFiles);
    }

    private StateDict(Map<String, Tensor> tensors, Map<String, String> metadata, List<AutoCloseable> backing,
                      boolean ownsTensors, Set<String> reads, List<SafetensorsFile> mappedFiles) {
        this.reads = reads;
        this.mappedFiles = mappedFiles;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Map.copyOf(metadata);
        this.backing = List.copyOf(backing);
        this.ownsTensors = ownsTensors;
        if (ownsTensors) for (Tensor t : this.tensors.values()) t.escapeScope();
    }

    /**
     * A view of {@code base} in which the tensors of {@code replacements} take the place of the base's
     * under the same keys. The view owns only the replacements (closing it closes them); the base must
     * stay open while the view is used.
     */
    public static StateDict overlay(StateDict base, Map<String, Tensor> replacements) {
        Map<String, Tensor> merged = new LinkedHashMap<>(base.tensors);
        List<AutoCloseable> owned = new java.util.ArrayList<>();
        for (Map.Entry<String, Tensor> e : replacements.entrySet()) {
            if (!merged.containsKey(e.getKey())) throw new IllegalArgumentException("no weight '" + e.getKey() + "' to replace");
            merged.put(e.getKey(), e.getValue().escapeScope());
            owned.add(e.getValue());
        }
        return new StateDict(merged, base, owned);
    }

    /**
     * A view of {@code base} under other key names: {@code names} maps each new name to a key of the base.
     * The view owns nothing; the base must stay open while it is used.
     */
    public static StateDict renamed(StateDict base, Map<String, String> names) {
        Map<String, Tensor> view = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            Tensor t = base.tensors.get(e.getValue());
            if (t == null) throw new IllegalArgumentException("no weight '" + e.getValue() + "' to rename");
            view.put(e.getKey(), t);
        }
        return new StateDict(view, base, List.of());
    }

    /**
     * A view of {@code base} with all its tensors under their own names. It owns nothing: closing it releases
     * nothing, so code that closes the views it is given can be given the base itself this way.
     */
    public static StateDict borrowed(StateDict base) {
        return new StateDict(base.tensors, base, List.of());
    }

    /**
     * A view of {@code base} that adds to {@code reads} every key {@link #get} hands out: which weights a
     * model built from it used, to find a file's unused ("unexpected") keys. It owns nothing.
     */
    public static StateDict recording(StateDict base, Set<String> reads) {
        return new StateDict(base.tensors, base.metadata, List.of(), false, reads, base.mappedFiles);
    }

    /**
     * A view of {@code base} under other names whose tensors may also be views made from the base's (a
     * slice, a transpose): {@code tensors} maps each name to a tensor of the base or to one of {@code owned},
     * which the view owns and closes. The base must stay open while the view is used.
     */
    public static StateDict view(StateDict base, Map<String, Tensor> tensors, List<Tensor> owned) {
        for (Tensor t : owned) t.escapeScope();
        return new StateDict(tensors, base, List.<AutoCloseable>copyOf(owned));
    }

    /**
     * Drops the memory-mapped file pages under {@code tensor} (a zero-copy tensor of this state dict's file)
     * from this process's resident memory, once a model has made its own copy of it: the pages stay in the
     * page cache and are read again only if the tensor is. Any other tensor (a copy, a LoRA-patched
     * weight, one read from a pickle) is left alone. Returns whether pages were released.
     */
    public boolean releasePages(Tensor tensor) {
        for (SafetensorsFile file : mappedFiles) {
            if (file.releasePages(tensor)) return true;
        }
        return false;
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
        Tensor t = tensors.get(key);
        if (reads != null && t != null) reads.add(key);
        return t;
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
        if (ownsTensors) for (Tensor t : tensors.values()) t.close();
        for (AutoCloseable c : backing) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release a model file", e);
            }
        }
    }
}
