package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Tensor;

/** {@code .set_weight}: the weight replaced outright (strength does not apply, as in ComfyUI). */
public record SetAdapter(Tensor value) implements WeightAdapter {
    @Override
    public long deltaNumel() {
        return value.numel();
    }

    @Override
    public void applyTo(Tensor weight, double strength) {
        weight.copy_(Deltas.f32(value).reshape(weight.shape()));
    }
}
