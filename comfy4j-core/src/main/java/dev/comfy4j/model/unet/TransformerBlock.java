package dev.comfy4j.model.unet;

import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.BlockId;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.model.options.TransformerPatches;
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
        return forward(x, context, null);
    }

    /** With ComfyUI's attention patches of {@code options} (null or none: the plain block). */
    Tensor forward(Tensor x, Tensor context, TransformerOptions options) {
        if (options != null && options.patches().touchesAttention()) return patched(x, context, options);
        try (TensorScope scope = TensorScope.open()) {
            Tensor h = x.add(selfAttention.forward(norm1.forward(x), null));
            h.add_(crossAttention.forward(norm2.forward(h), context));
            h.add_(feedForward.forward(norm3.forward(h)));
            return scope.keep(h);
        }
    }

    /**
     * {@code BasicTransformerBlock._forward} with patches: {@code attn1_patch} may give self-attention its own
     * context and value, a replacement for this block ({@code (block, number, index)} first, then
     * {@code (block, number)}) computes the attention from the projected q, k, v, then the output patches;
     * the same for the cross-attention.
     */
    private Tensor patched(Tensor x, Tensor context, TransformerOptions options) {
        TransformerPatches patches = options.patches();
        options.setHeads(selfAttention.heads(), selfAttention.headDim());
        BlockId block = options.block();
        BlockId transformerBlock = block == null ? null : block.withTransformer(options.blockIndex());
        try (TensorScope scope = TensorScope.open()) {
            Tensor n = norm1.forward(x);
            Tensor contextAttn1 = null;
            Tensor valueAttn1 = null;
            if (!patches.attn1().isEmpty()) {
                contextAttn1 = n;
                valueAttn1 = n;
                for (AttentionPatch.Input p : patches.attn1()) {
                    AttentionPatch.QueryContextValue r = p.apply(n, contextAttn1, valueAttn1, options);
                    n = r.n();
                    contextAttn1 = r.context();
                    valueAttn1 = r.value();
                }
            }
            AttentionPatch.Replace replace1 = replacement(patches.attn1Replace(), transformerBlock, block);
            if (replace1 != null) {
                Tensor kv = contextAttn1 == null ? n : contextAttn1;
                Tensor v = valueAttn1 == null ? n : valueAttn1;
                n = selfAttention.project(replace1.apply(selfAttention.query(n), selfAttention.key(kv), selfAttention.value(v), options));
            } else {
                n = selfAttention.forward(n, contextAttn1, valueAttn1);
            }
            for (AttentionPatch.Output p : patches.attn1Output()) n = p.apply(n, options);
            Tensor h = x.add(n);

            n = norm2.forward(h);
            Tensor contextAttn2 = context;
            Tensor valueAttn2 = null;
            if (!patches.attn2().isEmpty()) {
                valueAttn2 = contextAttn2;
                for (AttentionPatch.Input p : patches.attn2()) {
                    AttentionPatch.QueryContextValue r = p.apply(n, contextAttn2, valueAttn2, options);
                    n = r.n();
                    contextAttn2 = r.context();
                    valueAttn2 = r.value();
                }
            }
            AttentionPatch.Replace replace2 = replacement(patches.attn2Replace(), transformerBlock, block);
            if (replace2 != null) {
                Tensor v = valueAttn2 == null ? contextAttn2 : valueAttn2;
                n = crossAttention.project(replace2.apply(crossAttention.query(n), crossAttention.key(contextAttn2),
                        crossAttention.value(v), options));
            } else {
                n = crossAttention.forward(n, contextAttn2, valueAttn2);
            }
            for (AttentionPatch.Output p : patches.attn2Output()) n = p.apply(n, options);
            h = h.add(n);
            h.add_(feedForward.forward(norm3.forward(h)));
            return scope.keep(h);
        }
    }

    private static AttentionPatch.Replace replacement(java.util.Map<BlockId, AttentionPatch.Replace> map, BlockId transformerBlock,
            BlockId block) {
        if (map.isEmpty() || block == null) return null;
        AttentionPatch.Replace r = map.get(transformerBlock);
        return r != null ? r : map.get(block);
    }
}
