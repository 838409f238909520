package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;

/**
 * One weight of the VAE. ComfyUI computes the SD VAE in float32 on the CPU; a checkpoint usually holds
 * it in float16. Either this parameter holds a copy in the compute dtype ({@link #resident}), or it keeps
 * the file's tensor (memory-mapped, zero copy) and converts it for each use ({@link #castPerUse}): fp16 to
 * fp32 is exact, so both give the same numbers; the second keeps about 330 MB of float32 weights out of
 * RAM between decodes.
 */
final class Param {
    private final Tensor source;
    private final Tensor resident;
    private final DType dtype;

    private Param(Tensor source, Tensor resident, DType dtype) {
        this.source = source;
        this.resident = resident;
        this.dtype = dtype;
    }

    /** Converted to {@code dtype} on each use; {@code source} stays owned by its state dict. */
    static Param castPerUse(Tensor source, DType dtype) {
        return new Param(source, null, dtype);
    }

    /** Keeps a {@code dtype} copy (or {@code source} itself when it already has that dtype), owned by this parameter. */
    static Param resident(Tensor source, DType dtype) {
        Tensor copy = source.dtype() == dtype ? null : source.to(dtype).escapeScope();
        return new Param(source, copy, dtype);
    }

    /**
     * The value for one op, in this parameter's compute dtype. When it is a temporary (a converted copy)
     * it belongs to the caller's scope; pass it to {@link #done} once the op has run to free it at once.
     */
    Tensor use() {
        if (resident != null) return resident;
        return source.dtype() == dtype ? source : source.to(dtype);
    }

    /** The dtype {@link #use()} returns. */
    DType dtype() {
        return dtype;
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
