package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's {@code ResBlock} without scale-shift norm or up/down sampling (the SD1/SD2/SDXL shape):
 * {@code skip(x) + conv(silu(norm(conv(silu(norm(x))) + emb_proj))}.
 */
final class ResBlock implements UnetLayer {
    private final GroupNorm inNorm;
    private final Conv2d inConv;
    private final Linear embProjection;
    private final GroupNorm outNorm;
    private final Conv2d outConv;
    private final Conv2d skip;

    ResBlock(WeightLoader w, String name, long channels, long outChannels, long embChannels) {
        inNorm = new GroupNorm(w, name + ".in_layers.0", channels, 1e-5);
        inConv = new Conv2d(w, name + ".in_layers.2", channels, outChannels, 3, 1, 1);
        embProjection = new Linear(w, name + ".emb_layers.1", embChannels, outChannels, true);
        outNorm = new GroupNorm(w, name + ".out_layers.0", outChannels, 1e-5);
        outConv = new Conv2d(w, name + ".out_layers.3", outChannels, outChannels, 3, 1, 1);
        skip = channels == outChannels ? null : new Conv2d(w, name + ".skip_connection", channels, outChannels, 1, 1, 0);
    }

    @Override
    public Tensor forward(Tensor x, Tensor embActivated, Tensor context, long[] outputShape) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor h = inConv.forward(Functional.silu(inNorm.forward(x)));
            Tensor e = embProjection.forward(embActivated).unsqueeze(-1).unsqueeze(-1);
            h = outConv.forward(Functional.silu(outNorm.forward(h.add_(e))));
            // In place on the fresh conv outputs: fewer large allocations, the same sums.
            return scope.keep(h.add_(skip == null ? x : skip.forward(x)));
        }
    }
}
