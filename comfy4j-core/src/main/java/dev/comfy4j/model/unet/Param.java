package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;

/**
 * One weight of a layer. {@link #get()} returns it in the compute dtype: the stored tensor itself, or a
 * converted copy that belongs to the caller's open {@link dev.comfy4j.tensor.TensorScope}.
 */
final class Param {
    private final Tensor stored;
    private final boolean castOnUse;
    private final DType computeDtype;
    private final Device device;

    Param(Tensor stored, DType computeDtype, Device device, boolean castOnUse) {
        this.stored = stored;
        this.computeDtype = computeDtype;
        this.device = device;
        this.castOnUse = castOnUse;
    }

    Tensor get() {
        return castOnUse ? stored.to(device, computeDtype) : stored;
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
