package dev.comfy4j.sampling.preview;

import dev.comfy4j.model.taesd.TaesdDecoder;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/** ComfyUI's {@code TAESDPreviewerImpl}: the first latent decoded by the tiny autoencoder, 8 pixels per latent pixel. */
public final class TaesdPreviewer implements LatentPreviewer {
    private final TaesdDecoder decoder;

    /** Takes ownership of the decoder. */
    public TaesdPreviewer(TaesdDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public PreviewImage preview(Tensor denoised) {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor image = decoder.decode(denoised.narrow(0, 0, 1)).select(0, 0).permute(1, 2, 0).contiguous();
            return LatentPreviewer.toImage(image.toFloatArray(), (int) image.size(1), (int) image.size(0));
        }
    }

    @Override
    public void close() {
        decoder.close();
    }
}
