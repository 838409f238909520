package dev.comfy4j.model.patch;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/** LoKr: the Kronecker product of two factors, each stored whole or as a low-rank pair. */
public record LokrAdapter(Tensor w1, Tensor w2, Double alpha, Tensor w1a, Tensor w1b, Tensor w2a, Tensor w2b,
                          Tensor t2, Tensor doraScale) implements WeightAdapter {
    @Override
    public long deltaNumel() {
        long n1 = w1 != null ? w1.numel() : w1a.size(0) * w1b.size(1);
        long n2;
        if (w2 != null) n2 = w2.numel();
        else if (t2 == null) n2 = w2a.size(0) * w2b.size(1);
        else n2 = w2a.size(1) * w2b.size(1) * t2.size(2) * t2.size(3);
        return n1 * n2;
    }

    @Override
    public void applyTo(Tensor weight, double strength) {
        Long dim = null;
        Tensor m1;
        if (w1 == null) {
            dim = w1b.size(0);
            m1 = Functional.matmul(Deltas.f32(w1a), Deltas.f32(w1b));
        } else {
            m1 = Deltas.f32(w1);
        }
        Tensor m2;
        if (w2 == null) {
            dim = w2b.size(0);
            m2 = t2 == null ? Functional.matmul(Deltas.f32(w2a), Deltas.f32(w2b))
                    : Functional.einsum("ijkl,jr,ip->prkl", List.of(Deltas.f32(t2), Deltas.f32(w2b), Deltas.f32(w2a)));
        } else {
            m2 = Deltas.f32(w2);
        }
        if (m2.dim() == 4) m1 = m1.unsqueeze(2).unsqueeze(2);
        double scale = alpha != null && dim != null ? alpha / dim : 1.0;
        Deltas.add(weight, Deltas.kron(m1, m2), scale, strength, doraScale);
    }
}
