package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/** LoHa: the Hadamard product of two low-rank products, optionally in CP (Tucker) form. */
public record LohaAdapter(Tensor w1a, Tensor w1b, Double alpha, Tensor w2a, Tensor w2b, Tensor t1, Tensor t2,
                          Tensor doraScale) implements WeightAdapter {
    @Override
    public long deltaNumel() {
        if (t1 != null) return w1a.size(1) * w1b.size(1) * t1.size(2) * t1.size(3);
        return w1a.size(0) * w1b.size(1);
    }

    @Override
    public void applyTo(Tensor weight, double strength) {
        double scale = alpha == null ? 1.0 : alpha / w1b.size(0);
        Tensor m1 = product(w1a, w1b, t1);
        Tensor m2 = product(w2a, w2b, t2);
        Deltas.add(weight, m1.mul(m2), scale, strength, doraScale);
    }

    private static Tensor product(Tensor a, Tensor b, Tensor t) {
        if (t == null) return Functional.matmul(Deltas.f32(a), Deltas.f32(b));
        return Functional.einsum("ijkl,jr,ip->prkl", List.of(Deltas.f32(t), Deltas.f32(b), Deltas.f32(a)));
    }
}
