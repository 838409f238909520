package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;

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
