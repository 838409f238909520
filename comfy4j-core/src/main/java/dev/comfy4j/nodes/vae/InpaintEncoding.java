package dev.comfy4j.nodes.vae;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * What InpaintModelConditioning encodes: the image with the masked area grey, the original image,
 * and the resized, cropped mask. The tensors leave every scope (the output cache owns them).
 */
public record InpaintEncoding(Tensor maskedLatent, Tensor originalLatent, Tensor mask) {
    public static InpaintEncoding encode(Object vae, Object pixels, Object mask) throws Exception {
        Tensor image = VaeNodes.image(pixels, "pixels");
        Tensor maskTensor = VaeNodes.image(mask, "mask");
        try (TensorScope ignored = TensorScope.open()) {
            InpaintPixels prepared = InpaintPixels.prepare(image, maskTensor);
            Tensor masked = VaeNodes.run(vae, v -> v.encode(prepared.pixels()));
            Tensor original = VaeNodes.run(vae, v -> v.encode(image));
            return new InpaintEncoding(masked, original, prepared.mask().escapeScope());
        }
    }
}
