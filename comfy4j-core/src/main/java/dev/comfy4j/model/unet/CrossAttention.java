package dev.comfy4j.model.unet;

import dev.comfy4j.model.nn.Attention;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's {@code CrossAttention}: q from the features, k and v from the context (the features
 * themselves for self-attention), multi-head attention, output projection. The attention itself is
 * {@link Attention#compute} (scale 1/sqrt(head_dim), blocks of bmm + softmax + bmm); ComfyUI on the CPU
 * uses its sub-quadratic attention, which computes the same softmax(qk^T/sqrt(d))v in other chunks.
 */
final class CrossAttention {
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final long heads;
    private final long headDim;

    CrossAttention(WeightLoader w, String name, long queryDim, long contextDim, long heads, long headDim) {
        long inner = heads * headDim;
        toQ = new Linear(w, name + ".to_q", queryDim, inner, false);
        toK = new Linear(w, name + ".to_k", contextDim, inner, false);
        toV = new Linear(w, name + ".to_v", contextDim, inner, false);
        toOut = new Linear(w, name + ".to_out.0", inner, queryDim, true);
        this.heads = heads;
        this.headDim = headDim;
    }

    /** {@code context} null means self-attention. */
    Tensor forward(Tensor x, Tensor context) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor kv = context == null ? x : context;
            Tensor out = attention(toQ.forward(x), toK.forward(kv), toV.forward(kv), heads, toQ.computeDtype());
            return scope.keep(toOut.forward(out));
        }
    }

    /** ComfyUI's {@code forward(x, context, value)}: k from the context (x when null), v from the value (the context when null). */
    Tensor forward(Tensor x, Tensor context, Tensor value) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor k = context == null ? x : context;
            Tensor v = value == null ? k : value;
            Tensor out = attention(toQ.forward(x), toK.forward(k), toV.forward(v), heads, toQ.computeDtype());
            return scope.keep(toOut.forward(out));
        }
    }

    Tensor query(Tensor x) {
        return toQ.forward(x);
    }

    Tensor key(Tensor context) {
        return toK.forward(context);
    }

    Tensor value(Tensor value) {
        return toV.forward(value);
    }

    /** The output projection ({@code to_out}). */
    Tensor project(Tensor attended) {
        return toOut.forward(attended);
    }

    long heads() {
        return heads;
    }

    long headDim() {
        return headDim;
    }

    /** q [B, N, H*D], k and v [B, M, H*D] -> [B, N, H*D] ({@code attention_pytorch}). */
    static Tensor attention(Tensor q, Tensor k, Tensor v, long heads) {
        return attention(q, k, v, heads, q.dtype());
    }

    /** As {@link #attention(Tensor, Tensor, Tensor, long)}, the products and softmax computed in {@code dtype}, the result in q's. */
    static Tensor attention(Tensor q, Tensor k, Tensor v, long heads, DType dtype) {
        if (q.dtype() != dtype) {
            try (TensorScope scope = TensorScope.open()) {
                return scope.keep(attention(q.to(dtype), k.to(dtype), v.to(dtype), heads, dtype).to(q.dtype()));
            }
        }
        long b = q.size(0);
        long inner = q.size(2);
        long d = inner / heads;
        Tensor qh = q.view(b, -1, heads, d).transpose(1, 2).reshape(b * heads, -1, d);
        Tensor kh = k.view(b, -1, heads, d).transpose(1, 2).reshape(b * heads, -1, d);
        Tensor vh = v.view(b, -1, heads, d).transpose(1, 2).reshape(b * heads, -1, d);
        Tensor out = Attention.compute(qh, kh, vh);
        return out.view(b, heads, -1, d).transpose(1, 2).reshape(b, -1, inner);
    }
}
