package dev.comfy4j.model.upscale;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The weights of an upscale model file under their canonical names, copied once into float32 tensors on
 * the compute device (spandrel builds a float32 module and loads the file's tensors into it). The copies
 * are independent of the file, which can be closed once the network is built. A missing or misshapen
 * weight is an {@link IllegalArgumentException} naming it; the loader turns it into a file error.
 */
final class Weights {
    private final Map<String, Tensor> tensors;
    private final Device device;
    private final List<AutoCloseable> made = new ArrayList<>();

    Weights(Map<String, Tensor> tensors, Device device) {
        this.tensors = tensors;
        this.device = device;
    }

    boolean has(String key) {
        return tensors.containsKey(key);
    }

    long[] shape(String key) {
        return require(key).shape();
    }

    /** A float32 copy of {@code key} on the device (its own memory, not the file's), owned by the caller. */
    Tensor tensor(String key) {
        Tensor source = require(key);
        try (TensorScope scope = TensorScope.open()) {
            return scope.keep(source.to(device, DType.F32).contiguous().clone()).escapeScope();
        }
    }

    /** {@code prefix.weight} and {@code prefix.bias}, a square-kernel convolution from {@code in} to {@code out} channels (-1: any). */
    Conv conv(String prefix, long in, long out) {
        long[] w = shape(prefix + ".weight");
        if (w.length != 4 || w[2] != w[3] || w[2] % 2 == 0 || (in >= 0 && w[1] != in) || (out >= 0 && w[0] != out)) {
            throw new IllegalArgumentException("weight '" + prefix + ".weight' has the shape " + Arrays.toString(w)
                    + ", expected [" + (out < 0 ? "*" : out) + ", " + (in < 0 ? "*" : in) + ", k, k]");
        }
        Tensor weight;
        try (Tensor nchw = tensor(prefix + ".weight")) {
            // the layout oneDNN wants beside channels-last activations; values and shape unchanged
            weight = nchw.contiguousChannelsLast().escapeScope();
        }
        made.add(weight);
        Tensor bias = null;
        if (has(prefix + ".bias")) {
            bias = tensor(prefix + ".bias");
            made.add(bias);
        }
        return new Conv(weight, bias);
    }

    /** Closes every tensor made so far: for a build that failed half-way. */
    void discard() {
        for (AutoCloseable c : made) {
            try {
                c.close();
            } catch (Exception ignored) {
                // tensors do not fail to close
            }
        }
        made.clear();
    }

    /** Keeps track of a tensor made outside {@link #conv}, so that {@link #discard} frees it too. */
    Tensor track(Tensor t) {
        made.add(t);
        return t;
    }

    private Tensor require(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException("the weight '" + key + "' is missing");
        return t;
    }
}
