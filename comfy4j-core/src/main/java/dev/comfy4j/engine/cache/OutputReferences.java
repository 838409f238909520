package dev.comfy4j.engine.cache;

import dev.comfy4j.nodes.HoldsTensors;
import dev.comfy4j.tensor.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reference counts on the tensors of cached node outputs: the deterministic owner of their native
 * memory. Each cache entry that holds a tensor counts once (a pass-through node puts the same tensor
 * in two entries); when the last entry holding a tensor goes, the tensor is closed at once, so its
 * memory (GPU memory included, which never shows in the resident size) does not wait for the garbage
 * collector.
 *
 * <p>Only what {@link HoldsTensors#forEach} finds is counted: tensors, LATENT and CONDITIONING values,
 * maps and lists of them. A MODEL, CLIP or VAE output is a handle that borrows the model manager's
 * weights and is never looked into, so dropping it frees nothing. Used by the prompt thread only (the
 * engine serialises prompts and cache clearing).
 */
public final class OutputReferences {
    /** Counts nothing and closes nothing: for the UI and node-object caches, which hold no outputs. */
    public static final OutputReferences NONE = new OutputReferences(false);

    private final boolean counting;
    private final Map<Tensor, Integer> counts = new IdentityHashMap<>();

    private OutputReferences(boolean counting) {
        this.counting = counting;
    }

    public static OutputReferences counting() {
        return new OutputReferences(true);
    }

    /** A cache entry now holds {@code value}. */
    void acquire(Object value) {
        if (!counting) return;
        for (Tensor t : distinctTensors(value)) counts.merge(t, 1, Integer::sum);
    }

    /** A cache entry no longer holds {@code value}: tensors no other entry holds are closed. */
    void release(Object value) {
        if (!counting) return;
        for (Tensor t : distinctTensors(value)) {
            Integer n = counts.get(t);
            if (n == null) continue; // never acquired: not ours to close
            if (n > 1) {
                counts.put(t, n - 1);
            } else {
                counts.remove(t);
                t.close();
            }
        }
    }

    /** How many distinct tensors the caches hold now. */
    public int liveTensors() {
        return counts.size();
    }

    private static Set<Tensor> distinctTensors(Object value) {
        Set<Tensor> tensors = Collections.newSetFromMap(new IdentityHashMap<>());
        HoldsTensors.forEach(value, tensors::add);
        return tensors;
    }
}
