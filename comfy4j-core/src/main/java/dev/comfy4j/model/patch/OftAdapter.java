package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * OFT ({@code .oft_blocks} of three dimensions: {@code [blocks, size, size]}): the weight's rows, in
 * blocks of {@code size}, rotated by the blocks' orthogonal matrices ({@link OrthogonalBlocks}), as
 * ComfyUI computes it: {@code diff_k = (strength R_k - strength I)^T W_k} per block, then
 * {@code weight += strength * diff} (strength applied twice, as in ComfyUI 0.3.64). ComfyUI reads
 * {@code .rescale} but does not apply it for OFT, so neither does this; {@code alpha} is the norm constraint
 * (none when absent).
 */
public record OftAdapter(Tensor blocks, Tensor rescale, Double alpha, Tensor doraScale) implements WeightAdapter {
    @Override
    public long deltaNumel() {
        return blocks.size(0) * blocks.size(1);
    }

    @Override
    public String misfit(long[] shape) {
        return shape[0] == deltaNumel() ? null : "rotates " + blocks.size(0) + " blocks of " + blocks.size(1)
                + " rows, the weight " + java.util.Arrays.toString(shape) + " has " + shape[0];
    }

    @Override
    public void applyTo(Tensor weight, double strength) {
        double constraint = alpha == null ? 0 : alpha;
        long blockNum = blocks.size(0);
        long size = blocks.size(1);
        Tensor r = OrthogonalBlocks.rotations(blocks, constraint);
        Tensor mix = r.mul(strength).sub(OrthogonalBlocks.identity(size).mul(strength));
        Tensor rows = Deltas.flat2d(weight).reshape(blockNum, size, -1);
        Tensor diff = Functional.einsum("knm,knc->kmc", List.of(mix, rows)).reshape(weight.shape());
        if (doraScale != null) Deltas.add(weight, diff, constraint, strength, doraScale);
        else weight.add_(diff.mul(strength));
    }
}
