package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * GLoRA ({@code .a1/.a2/.b1/.b2.weight}): the weight transformed by its own low-rank product plus a
 * low-rank difference, {@code diff = W a1 a2 + b1 b2} (the old LyCORIS layout: {@code b2 b1 + W a2 a1}),
 * scaled by {@code alpha / rank}. {@code W} is the weight as patched so far, as ComfyUI's
 * {@code calculate_weight} passes it.
 */
public record GloraAdapter(Tensor a1, Tensor a2, Tensor b1, Tensor b2, Double alpha, Tensor doraScale) implements WeightAdapter {
    /** ComfyUI's layout test: which of the two GLoRA layouts a weight of {@code shape} is patched with. */
    boolean oldLayout(long[] shape) {
        boolean old = b2.size(1) == b1.size(0) && b1.size(0) == a1.size(0) && a1.size(0) == a2.size(1);
        boolean current = b2.size(0) == b1.size(1) && b1.size(1) == a1.size(1) && a1.size(1) == a2.size(0);
        if (current && !(old && a2.size(0) == shape[0] && shape[0] == shape[1])) return false;
        return old;
    }

    private long rank(long[] shape) {
        return oldLayout(shape) ? a1.size(0) : a2.size(0);
    }

    @Override
    public long deltaNumel() {
        return b1.size(0) * Deltas.rowLength(b2);
    }

    @Override
    public String misfit(long[] shape) {
        long rows = shape[0];
        long row = 1;
        for (int i = 1; i < shape.length; i++) row *= shape[i];
        boolean fits = oldLayout(shape)
                ? b2.size(0) * Deltas.rowLength(b1) == rows * row && a2.size(0) == row && Deltas.rowLength(a1) == row
                : b1.size(0) * Deltas.rowLength(b2) == rows * row && a1.size(0) == shape[1] && Deltas.rowLength(a2) == shape[1];
        return fits ? null : "(GLoRA a1 " + java.util.Arrays.toString(a1.shape()) + ", b2 " + java.util.Arrays.toString(b2.shape())
                + ") does not fit the weight " + java.util.Arrays.toString(shape);
    }

    @Override
    public void applyTo(Tensor weight, double strength) {
        long[] shape = weight.shape();
        Tensor fa1 = Deltas.flat2d(Deltas.f32(a1));
        Tensor fa2 = Deltas.flat2d(Deltas.f32(a2));
        Tensor fb1 = Deltas.flat2d(Deltas.f32(b1));
        Tensor fb2 = Deltas.flat2d(Deltas.f32(b2));
        double scale = alpha == null ? 1.0 : alpha / rank(shape);
        Tensor diff;
        if (oldLayout(shape)) {
            diff = Functional.matmul(fb2, fb1).add(Functional.matmul(Functional.matmul(Deltas.flat2d(weight), fa2), fa1)).reshape(shape);
        } else {
            Tensor transformed = weight.dim() > 2
                    ? Functional.einsum("oi...,ij->oj...", List.of(Functional.einsum("oi...,ij->oj...", List.of(weight, fa1)), fa2))
                    : Functional.matmul(Functional.matmul(weight, fa1), fa2);
            diff = transformed.reshape(shape).add(Functional.matmul(fb1, fb2).reshape(shape));
        }
        Deltas.add(weight, diff, scale, strength, doraScale);
    }
}
