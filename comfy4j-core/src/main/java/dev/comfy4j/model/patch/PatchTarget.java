package dev.comfy4j.model.patch;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights being patched: the base state dict of a component and the float32 copies made so far.
 * A weight is copied the first time a patch touches it; later patches of the same weight work on
 * that copy, in order, as ComfyUI's {@code calculate_weight} runs a key's patches.
 */
public final class PatchTarget {
    private final StateDict base;
    private final PatchableComponent component;
    private final Map<String, Tensor> patched = new LinkedHashMap<>();

    PatchTarget(StateDict base, PatchableComponent component) {
        this.base = base;
        this.component = component;
    }

    public StateDict base() {
        return base;
    }

    public PatchableComponent component() {
        return component;
    }

    /** The float32 weight {@code key} to patch in place (a copy of the base the first time). */
    public Tensor weight(String key) {
        Tensor w = patched.get(key);
        if (w == null) {
            w = base.get(key).to(DType.F32).clone().escapeScope();
            patched.put(key, w);
        }
        return w;
    }

    Map<String, Tensor> patched() {
        return patched;
    }
}
