package dev.comfy4j.model.unet;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Takes a model's weights out of a state dict under a key prefix, in the chosen {@link WeightStorage}.
 * Copies it makes (at a weight's first use) belong to the model and are closed by {@link #close()};
 * zero-copy views stay owned by the state dict, which must therefore stay open while the model is used.
 */
final class WeightLoader implements AutoCloseable {
    private final StateDict stateDict;
    private final String prefix;
    private final WeightStorage storage;
    private final Device device;
    private final DType computeDtype;
    private final List<Tensor> owned = new ArrayList<>();
    private long plannedBytes;
    private boolean closed;
    private final String component;

    WeightLoader(StateDict stateDict, String prefix, WeightStorage storage, Device device) {
        this(stateDict, prefix, storage, DType.F32, device, "UNet");
    }

    WeightLoader(StateDict stateDict, String prefix, WeightStorage storage, Device device, String component) {
        this(stateDict, prefix, storage, DType.F32, device, component);
    }

    /**
     * {@code computeDtype}: the dtype the layers compute in (float32, as ComfyUI on the CPU, or bfloat16);
     * {@code component} names the model in errors ("the ControlNet weight ... is missing").
     */
    WeightLoader(StateDict stateDict, String prefix, WeightStorage storage, DType computeDtype, Device device, String component) {
        this.component = component;
        this.computeDtype = computeDtype;
        this.stateDict = stateDict;
        this.prefix = prefix;
        this.storage = storage;
        this.device = device;
    }

    /** A convolution's or linear layer's weight {@code prefix + name} (shape as {@link #floatParam}), in the compute dtype. */
    Param param(String name, long... shape) {
        return param(computeDtype, name, shape);
    }

    /**
     * The weight {@code prefix + name}, which must exist with {@code shape} (empty: any shape), in float32
     * whatever the compute dtype: norms keep float32 statistics and affine weights, as autocast does.
     */
    Param floatParam(String name, long... shape) {
        return param(DType.F32, name, shape);
    }

    private Param param(DType computeDtype, String name, long... shape) {
        Tensor t = stateDict.get(prefix + name);
        if (t == null) throw new IllegalArgumentException("the " + component + " weight '" + prefix + name + "' is missing from the checkpoint");
        if (shape.length > 0 && !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("the " + component + " weight '" + prefix + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("the " + component + " weight '" + prefix + name + "' is " + t.dtype() + ", not a float type");
        }
        if (t.dtype() == computeDtype && t.device().equals(device)) return new Param(t, computeDtype, device, Param.Use.AS_STORED, this);
        if (storage == WeightStorage.CAST_PER_CALL && !device.isCuda()) return new Param(t, computeDtype, device, Param.Use.CAST_ON_USE, this);
        // A copy the model owns, converted to the compute dtype (and moved to the device) by the first call that
        // uses it: loading stays a matter of mapping the file (an SDXL UNet's 2.6 G weights take seconds to convert).
        plannedBytes += t.numel() * computeDtype.byteSize();
        return new Param(t, computeDtype, device, Param.Use.COPY_ON_FIRST_USE, this);
    }

    /** {@code stored} converted to {@code dtype} on the device, owned by this loader; the file's pages under it released. */
    synchronized Tensor copyOf(Tensor stored, DType dtype) {
        if (closed) throw new IllegalStateException("the " + component + " is closed");
        Tensor copy = stored.to(device, dtype).escapeScope();
        stateDict.releasePages(stored); // the copy replaces the file's pages, which would otherwise stay resident too
        owned.add(copy);
        return copy;
    }

    /** {@code stored} in {@code dtype} transformed by {@code pack}, owned by this loader; the file's pages under it released. */
    synchronized Tensor packedCopyOf(Tensor stored, DType dtype, UnaryOperator<Tensor> pack) {
        if (closed) throw new IllegalStateException("the " + component + " is closed");
        Tensor packed;
        try (TensorScope ignored = TensorScope.open()) { // the converted plain weight is a temporary
            packed = pack.apply(stored.to(device, dtype)).escapeScope();
        }
        stateDict.releasePages(stored);
        owned.add(packed);
        return packed;
    }

    DType computeDtype() {
        return computeDtype;
    }

    /** Bytes of the copies this loader holds, or will hold once every weight has been used. */
    synchronized long ownedBytes() {
        return closed ? 0 : plannedBytes;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Tensor t : owned) t.close();
        owned.clear();
    }
}
