package dev.comfy4j.sampling.preview;

import dev.comfy4j.tensor.Tensor;

/**
 * Turns a sampler step's denoised latent into a preview picture (ComfyUI's {@code LatentPreviewer}).
 * Close it after the run (a TAESD previewer holds its weights).
 */
public interface LatentPreviewer extends AutoCloseable {
    /**
     * @param denoised the step's denoised prediction [B, C, h, w] in model space; only the first batch
     *     element is shown
     */
    PreviewImage preview(Tensor denoised);

    @Override
    default void close() {}

    /**
     * ComfyUI's {@code preview_to_image}: values in -1..1 to bytes, {@code uint8(clamp((v + 1) / 2, 0, 1) * 255)}
     * in float32 with truncation, from [H, W, 3] float samples.
     */
    static PreviewImage toImage(float[] hwc, int width, int height) {
        byte[] rgb = new byte[hwc.length];
        for (int i = 0; i < hwc.length; i++) {
            float v = (hwc[i] + 1f) / 2f;
            v = Math.min(1f, Math.max(0f, v)) * 255f;
            rgb[i] = (byte) (int) v;
        }
        return new PreviewImage(width, height, rgb);
    }
}
