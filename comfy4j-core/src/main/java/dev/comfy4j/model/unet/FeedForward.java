package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/** ComfyUI's {@code FeedForward} with GEGLU: {@code out(a * gelu(gate))}, a and gate halves of one projection. */
final class FeedForward {
    private final Linear projection;
    private final Linear out;

    FeedForward(WeightLoader w, String name, long dim) {
        long inner = 4 * dim;
        projection = new Linear(w, name + ".net.0.proj", dim, inner * 2, true);
        out = new Linear(w, name + ".net.2", inner, dim, true);
    }

    Tensor forward(Tensor x) {
        try (TensorScope scope = TensorScope.open()) {
            List<Tensor> halves = projection.forward(x).chunk(2, -1);
            return scope.keep(out.forward(halves.get(0).mul(Functional.gelu(halves.get(1)))));
        }
    }
}
