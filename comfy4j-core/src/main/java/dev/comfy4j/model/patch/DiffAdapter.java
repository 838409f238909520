package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Tensor;

/** A full difference ({@code .diff}, {@code .diff_b}, {@code .w_norm}, {@code .b_norm}): {@code weight += strength * diff}. */
public record DiffAdapter(Tensor diff) implements WeightAdapter {
    @Override
    public long deltaNumel() {
        return diff.numel();
    }

    @Override
    public void applyTo(Tensor weight, double strength) {
        if (strength != 0.0) weight.add_(Deltas.f32(diff).reshape(weight.shape()).mul(strength));
    }
}
