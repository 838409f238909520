package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;

/** The arithmetic the LoRA-family adapters share (ComfyUI's {@code calculate_weight} and {@code weight_decompose}). */
final class Deltas {
    private Deltas() {}

    static Tensor f32(Tensor t) {
        return t.to(DType.F32);
    }

    /** Product of all dimensions but the first: what {@code flatten(start_dim=1)} keeps per row. */
    static long rowLength(Tensor t) {
        long n = 1;
        for (int i = 1; i < t.dim(); i++) n *= t.size(i);
        return n;
    }

    static Tensor flat2d(Tensor t) {
        return t.reshape(t.size(0), rowLength(t));
    }

    /**
     * {@code weight += strength * scale * diff}, or DoRA's decomposition when {@code doraScale} is
     * present: the patched weight's columns renormalised to {@code doraScale}, blended by strength.
     */
    static void add(Tensor weight, Tensor diff, double scale, double strength, Tensor doraScale) {
        Tensor d = diff.reshape(weight.shape());
        if (doraScale == null) {
            weight.add_(d.mul(strength * scale));
            return;
        }
        Tensor calc = weight.add(d.mul(scale));
        // The norm of each input column (dim 1), over all other dims, as weight_decompose takes it.
        Tensor norm = calc.transpose(0, 1).reshape(calc.size(1), -1).pow(2).sum(new long[] {1}, true).sqrt();
        long[] normShape = new long[calc.dim()];
        java.util.Arrays.fill(normShape, 1);
        normShape[1] = calc.size(1);
        calc = calc.mul(f32(doraScale).div(norm.reshape(normShape)));
        if (strength != 1.0) {
            weight.add_(calc.sub(weight).mul(strength));
        } else {
            weight.copy_(calc);
        }
    }

    /** {@code torch.kron} of two tensors of equal rank. */
    static Tensor kron(Tensor a, Tensor b) {
        int rank = a.dim();
        if (b.dim() != rank) throw new IllegalArgumentException("kron of tensors of rank " + rank + " and " + b.dim());
        long[] aShape = new long[2 * rank];
        long[] bShape = new long[2 * rank];
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            aShape[2 * i] = a.size(i);
            aShape[2 * i + 1] = 1;
            bShape[2 * i] = 1;
            bShape[2 * i + 1] = b.size(i);
            out[i] = a.size(i) * b.size(i);
        }
        return a.reshape(aShape).mul(b.reshape(bShape)).reshape(out);
    }
}
