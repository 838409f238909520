package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's {@code BasicTransformerBlock}: self-attention, cross-attention over the context and a
 * GEGLU feed-forward, each behind a layer norm and added to the residual stream.
 */
final class TransformerBlock {
    private final LayerNorm norm1;
    private final CrossAttention selfAttention;
    private final LayerNorm norm2;
    private final CrossAttention crossAttention;
    private final LayerNorm norm3;
    private final FeedForward feedForward;

    TransformerBlock(WeightLoader w, String name, long dim, long heads, long headDim, long contextDim) {
        norm1 = new LayerNorm(w, name + ".norm1", dim);
        selfAttention = new CrossAttention(w, name + ".attn1", dim, dim, heads, headDim);
        norm2 = new LayerNorm(w, name + ".norm2", dim);
        crossAttention = new CrossAttention(w, name + ".attn2", dim, contextDim, heads, headDim);
        norm3 = new LayerNorm(w, name + ".norm3", dim);
        feedForward = new FeedForward(w, name + ".ff", dim);
    }

    Tensor forward(Tensor x, Tensor context) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor h = x.add(selfAttention.forward(norm1.forward(x), null));
            h.add_(crossAttention.forward(norm2.forward(h), context));
            h.add_(feedForward.forward(norm3.forward(h)));
            return scope.keep(h);
        }
    }
}
