package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;

/**
 * One weight of the VAE. ComfyUI computes the SD VAE in float32 on the CPU; a checkpoint usually holds
 * it in float16. Either this parameter holds a float32 copy ({@link #resident}), or it keeps the file's
 * tensor (memory-mapped, zero copy) and widens it for each use ({@link #castPerUse}): fp16 to fp32 is
 * exact, so both give the same numbers; the second keeps about 330 MB of float32 weights out of RAM
 * between decodes.
 */
final class Param {
    private final Tensor source;
    private final Tensor resident;

    private Param(Tensor source, Tensor resident) {
        this.source = source;
        this.resident = resident;
    }

    /** Widens on each use; {@code source} stays owned by its state dict. */
    static Param castPerUse(Tensor source) {
        return new Param(source, null);
    }

    /** Keeps a float32 copy (or {@code source} itself when it already is float32), owned by this parameter. */
    static Param resident(Tensor source) {
        Tensor copy = source.dtype() == DType.F32 ? null : source.to(DType.F32).escapeScope();
        return new Param(source, copy);
    }

    /**
     * The float32 value for one op. When it is a temporary (a widened copy) it belongs to the caller's
     * scope; pass it to {@link #done} once the op has run to free it at once.
     */
    Tensor use() {
        if (resident != null) return resident;
        return source.dtype() == DType.F32 ? source : source.to(DType.F32);
    }

    /** Frees a value {@link #use} returned, if it was a temporary. */
    void done(Tensor value) {
        if (value != resident && value != source) value.close();
    }

    long[] shape() {
        return source.shape();
    }

    /** Frees the float32 copy, if any (the source belongs to the state dict). */
    void release() {
        if (resident != null) resident.close();
    }
}
