package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * BOFT ({@code .oft_blocks} of four dimensions: {@code [stages, blocks, b, b]}): the weight's rows go
 * through {@code stages} butterfly stages; stage {@code i} groups the rows that lie {@code 2^i * b/2}
 * apart, rotates each group of {@code b} by its block's orthogonal matrix ({@link OrthogonalBlocks}, blended
 * with the identity by the strength when it is not 1) and puts the rows back; then each row is scaled by
 * {@code .rescale} when present. {@code weight += strength * (result - weight)}, as ComfyUI 0.3.64 computes it.
 * {@code alpha} is the norm constraint; ComfyUI fails (logs, leaves the weight) when a BOFT file has none,
 * where this applies it without constraint.
 */
public record BoftAdapter(Tensor blocks, Tensor rescale, Double alpha, Tensor doraScale) implements WeightAdapter {
    @Override
    public long deltaNumel() {
        return blocks.size(1) * blocks.size(2);
    }

    @Override
    public String misfit(long[] shape) {
        long stride = (1L << (blocks.size(0) - 1)) * blocks.size(2); // the last stage's group of 2 * k rows
        boolean fits = shape[0] == deltaNumel() && shape[0] % stride == 0;
        return fits ? null : "rotates " + blocks.size(1) + " blocks of " + blocks.size(2) + " rows in " + blocks.size(0)
                + " butterfly stages, the weight " + java.util.Arrays.toString(shape) + " has " + shape[0];
    }

    @Override
    public void applyTo(Tensor weight, double strength) {
        double constraint = alpha == null ? 0 : alpha;
        long stages = blocks.size(0);
        long b = blocks.size(2);
        Tensor r = OrthogonalBlocks.rotations(blocks, constraint);
        Tensor eye = OrthogonalBlocks.identity(b);
        Tensor original = Deltas.flat2d(weight);
        long rows = original.size(0);
        long cols = original.size(1);
        Tensor x = original;
        for (long i = 0; i < stages; i++) {
            Tensor bi = r.select(0, i);
            if (strength != 1) bi = bi.mul(strength).add(eye.mul(1 - strength));
            long k = (1L << i) * (b / 2);
            // rows (a, g, k) -> (a, k, g): pairs of rows k apart become neighbours, then groups of b.
            x = x.reshape(rows / (2 * k), 2, k, cols).transpose(1, 2).reshape(rows / b, b, cols);
            x = Functional.einsum("bij,bjc->bic", List.of(bi, x));
            x = x.reshape(rows / (2 * k), k, 2, cols).transpose(1, 2).reshape(rows, cols);
        }
        if (rescale != null) x = x.mul(Deltas.f32(rescale).reshape(rows, 1));
        Tensor diff = x.sub(original).reshape(weight.shape());
        if (doraScale != null) Deltas.add(weight, diff, constraint, strength, doraScale);
        else weight.add_(diff.mul(strength));
    }
}
