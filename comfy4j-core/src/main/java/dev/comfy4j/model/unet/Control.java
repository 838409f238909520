package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.Tensor;

/**
 * The control a conditioning entry carries into the sampler (ComfyUI's {@code ControlBase} chain after
 * {@code pre_run}): {@link CfgDenoiser} calls it once per UNet batch, before the UNet, and the UNet adds the
 * residuals to its blocks. Entries batch together only when they carry the same control object.
 */
public interface Control {
    /**
     * ComfyUI's {@code get_control(x_noisy, t, cond, batched_number)}.
     *
     * @param x the noisy latent batch as the UNet call gets it (model space, before input scaling)
     * @param sigma its sigmas [B]
     * @param context the batch's cross-attention context [B, L, D]
     * @param batchedNumber how many conditioning pieces the batch holds
     * @return the residuals in the caller's scope, or null when no link of the chain is active at this sigma
     */
    ControlResiduals residuals(Tensor x, Tensor sigma, Tensor context, int batchedNumber);
}
