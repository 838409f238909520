package dev.comfy4j.model.vae;

import dev.comfy4j.model.nn.Attention;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/**
 * ComfyUI's {@code AttnBlock}: one-head self-attention over all pixels, {@code x + proj_out(attn(q, k, v))}
 * with q, k, v 1x1 convs of {@code norm(x)} and scale {@code 1/sqrt(C)}. On the CPU ComfyUI computes it
 * with its split attention ({@code normal_attention}: bmm, softmax, bmm); this uses the same bmm,
 * softmax, bmm in blocks ({@link Attention#compute}), the same sum in another order. The 1x1
 * convs run as {@code linear} on the pixels as tokens, which is a view when {@code x} is channels-last.
 */
final class AttnBlock {
    private final GroupNorm norm;
    private final Param qWeight, qBias, kWeight, kBias, vWeight, vBias, projWeight, projBias;

    AttnBlock(GroupNorm norm, Param qWeight, Param qBias, Param kWeight, Param kBias, Param vWeight, Param vBias,
            Param projWeight, Param projBias) {
        this.norm = norm;
        this.qWeight = qWeight;
        this.qBias = qBias;
        this.kWeight = kWeight;
        this.kBias = kBias;
        this.vWeight = vWeight;
        this.vBias = vBias;
        this.projWeight = projWeight;
        this.projBias = projBias;
    }

    Tensor forward(Tensor x) {
        long[] s = x.shape();
        long b = s[0], c = s[1], h = s[2], w = s[3];
        Tensor normed = norm.forward(x);
        // [B, C, H, W] -> [B, H*W, C]: a view for channels-last memory, one copy otherwise.
        Tensor nhwc = normed.permute(0, 2, 3, 1);
        Tensor tokens = nhwc.reshape(b, h * w, c);
        nhwc.close();
        normed.close();
        Tensor q = linear(tokens, qWeight, qBias, c);
        Tensor k = linear(tokens, kWeight, kBias, c);
        Tensor v = linear(tokens, vWeight, vBias, c);
        tokens.close();
        Tensor attended = Attention.compute(q, k, v);
        q.close(); k.close(); v.close();
        Tensor projected = linear(attended, projWeight, projBias, c);
        attended.close();
        // [B, H*W, C] back to NCHW with channels-last strides, then the residual in place.
        Tensor grid = projected.view(b, h, w, c);
        Tensor out = grid.permute(0, 3, 1, 2);
        grid.close();
        projected.close();
        return out.add_(x);
    }

    /** A 1x1 conv as {@code linear}; the weight may be [C, C, 1, 1] (LDM) or [C, C] (diffusers). */
    private static Tensor linear(Tensor tokens, Param weight, Param bias, long c) {
        Tensor w = weight.use();
        Tensor b = bias.use();
        Tensor w2 = w.reshape(c, c);
        try {
            return Functional.linear(tokens, w2, b);
        } finally {
            w2.close();
            weight.done(w);
            bias.done(b);
        }
    }
}
