package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/**
 * LoRA and LoCon: {@code up @ down} (with LoCon's {@code mid} folded into {@code down}), scaled by
 * {@code alpha / rank} when the file gives an alpha.
 */
public record LoraAdapter(Tensor up, Tensor down, Double alpha, Tensor mid, Tensor doraScale) implements WeightAdapter {
    @Override
    public long deltaNumel() {
        long in = mid == null ? Deltas.rowLength(down) : down.size(1) * mid.size(2) * mid.size(3);
        return up.size(0) * in;
    }

    @Override
    public void applyTo(Tensor weight, double strength) {
        Tensor mat1 = Deltas.f32(up);
        Tensor mat2 = Deltas.f32(down);
        double scale = alpha == null ? 1.0 : alpha / mat2.size(0);
        if (mid != null) {
            Tensor mat3 = Deltas.f32(mid);
            long[] finalShape = {mat2.size(1), mat2.size(0), mat3.size(2), mat3.size(3)};
            mat2 = Functional.matmul(mat2.transpose(0, 1).flatten(1, -1), mat3.transpose(0, 1).flatten(1, -1))
                    .reshape(finalShape).transpose(0, 1);
        }
        Tensor diff = Functional.matmul(Deltas.flat2d(mat1), Deltas.flat2d(mat2.contiguous()));
        Deltas.add(weight, diff, scale, strength, doraScale);
    }
}
