package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/** ComfyUI's {@code timestep_embedding}: sinusoids of the (integer-valued) timesteps, cosines first. */
final class TimestepEmbedding {
    private static final double MAX_PERIOD = 10000;

    private TimestepEmbedding() {}

    /** {@code timesteps} [B] (any float dtype) -> float32 [B, dim]. */
    static Tensor of(Tensor timesteps, long dim) {
        long half = dim / 2;
        try (TensorScope scope = TensorScope.open()) {
            // Same float32 op sequence as the Python: exp(-log(max_period) * arange(half) / half).
            Tensor freqs = Tensor.arange(0, half, 1, DType.F32).to(timesteps.device()).mul(-Math.log(MAX_PERIOD)).div(half).exp();
            Tensor args = timesteps.to(DType.F32).unsqueeze(1).mul(freqs.unsqueeze(0));
            Tensor embedding = Tensor.cat(List.of(args.cos(), args.sin()), -1);
            if (dim % 2 != 0) embedding = Tensor.cat(List.of(embedding, embedding.narrow(1, 0, 1).mul(0.0)), -1);
            return scope.keep(embedding);
        }
    }
}
