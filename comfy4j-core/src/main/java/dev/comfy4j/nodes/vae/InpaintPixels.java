package dev.comfy4j.nodes.vae;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;

/**
 * The image preparation ComfyUI's two inpainting encoders share: the mask resized (bilinear) to the
 * image, both centre-cropped to multiples of 8, and the masked pixels set to grey (0.5) so the VAE
 * does not see what is to be repainted. Call inside a scope.
 *
 * @param pixels the cropped RGB image with the masked area grey, [B, H, W, 3]
 * @param mask the resized, cropped mask, [B, 1, H, W], not rounded
 */
record InpaintPixels(Tensor pixels, Tensor mask) {
    static InpaintPixels prepare(Tensor image, Tensor mask) {
        long h = image.size(1), w = image.size(2);
        long h8 = h / 8 * 8, w8 = w / 8 * 8;
        Tensor m = Functional.interpolate(mask.reshape(-1, 1, mask.size(-2), mask.size(-1)), h, w,
                Interpolation.BILINEAR, false);
        Tensor rgb = image.narrow(3, 0, 3);
        if (h != h8 || w != w8) {
            long top = (h % 8) / 2, left = (w % 8) / 2;
            rgb = rgb.narrow(1, top, h8).narrow(2, left, w8);
            m = m.narrow(2, top, h8).narrow(3, left, w8);
        }
        Tensor keep = m.round().rsub(1.0).squeeze(1).unsqueeze(-1);
        Tensor grey = rgb.sub(0.5).mul(keep).add(0.5);
        return new InpaintPixels(grey, m);
    }
}
