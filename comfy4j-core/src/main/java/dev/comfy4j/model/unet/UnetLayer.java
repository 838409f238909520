package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Tensor;

/**
 * One layer of a UNet block ({@code TimestepEmbedSequential} in ComfyUI): it sees the features, the
 * activated timestep embedding, the cross-attention context and, for upsamplers, the size to reach.
 */
interface UnetLayer {
    /**
     * @param x features [B, C, H, W]
     * @param embActivated {@code silu(time_embed(t))} [B, E], shared by every res block
     * @param context cross-attention context [B, L, D]
     * @param outputShape the shape of the skip connection the next block concatenates, or null
     */
    Tensor forward(Tensor x, Tensor embActivated, Tensor context, long[] outputShape);
}
