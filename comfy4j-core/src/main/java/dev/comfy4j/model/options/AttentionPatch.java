package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;

/**
 * Attention patches of ComfyUI's {@code BasicTransformerBlock}: {@code attn1_patch}/{@code attn2_patch} rewrite
 * the attention's input, context and value; {@code attn1_output_patch}/{@code attn2_output_patch} its output;
 * an {@code attn1}/{@code attn2} replacement computes the attention from the projected q, k, v. Records.
 */
public final class AttentionPatch {
    private AttentionPatch() {}

    /** {@code n, context, value = p(n, context, value, extra_options)}. */
    @FunctionalInterface
    public interface Input {
        QueryContextValue apply(Tensor n, Tensor context, Tensor value, TransformerOptions options);
    }

    /** {@code n = p(n, extra_options)}. */
    @FunctionalInterface
    public interface Output {
        Tensor apply(Tensor n, TransformerOptions options);
    }

    /** {@code patches_replace["attn1"][block](q, k, v, extra_options)}: q [B, N, H*D], k and v [B, M, H*D]. */
    @FunctionalInterface
    public interface Replace {
        Tensor apply(Tensor q, Tensor k, Tensor v, TransformerOptions options);
    }

    public record QueryContextValue(Tensor n, Tensor context, Tensor value) {}
}
