package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * One weight of a layer. {@link #get()} returns it in the compute dtype: the stored tensor itself, a
 * converted copy that belongs to the caller's open {@link dev.comfy4j.tensor.TensorScope} ({@link Use#CAST_ON_USE}),
 * or the model's own copy, made by the first call that needs it ({@link Use#COPY_ON_FIRST_USE}).
 */
final class Param {
    enum Use { AS_STORED, CAST_ON_USE, COPY_ON_FIRST_USE }

    private final Tensor stored;
    private final DType computeDtype;
    private final Device device;
    private final Use use;
    private final WeightLoader owner;
    private volatile Tensor copy;
    private volatile Tensor packed;

    Param(Tensor stored, DType computeDtype, Device device, Use use, WeightLoader owner) {
        this.stored = stored;
        this.computeDtype = computeDtype;
        this.device = device;
        this.use = use;
        this.owner = owner;
    }

    Tensor get() {
        return switch (use) {
            case AS_STORED -> stored;
            case CAST_ON_USE -> stored.to(device, computeDtype);
            case COPY_ON_FIRST_USE -> {
                Tensor c = copy;
                if (c == null) {
                    synchronized (this) {
                        if (copy == null) copy = owner.copyOf(stored, computeDtype);
                        c = copy;
                    }
                }
                yield c;
            }
        };
    }

    /**
     * This weight in the compute dtype transformed once by {@code pack} (a convolution weight in oneDNN's
     * layout), owned by the model; made from the stored tensor, so a layer that only ever uses this form
     * holds no plain copy as well.
     */
    Tensor packed(UnaryOperator<Tensor> pack) {
        Tensor p = packed;
        if (p == null) {
            synchronized (this) {
                if (packed == null) packed = owner.packedCopyOf(stored, computeDtype, pack);
                p = packed;
            }
        }
        return p;
    }

    /** Whether {@link #get()} converts the stored weight on every call (then packing it once would not pay). */
    boolean castsOnEveryUse() {
        return use == Use.CAST_ON_USE;
    }

    /** The dtype {@link #get()} returns. */
    DType dtype() {
        return computeDtype;
    }

    long[] shape() {
        return stored.shape();
    }

    long size(int dim) {
        return stored.size(dim);
    }
}
