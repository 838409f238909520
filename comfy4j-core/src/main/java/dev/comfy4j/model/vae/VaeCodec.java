package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.Tensor;

/** The two network passes {@link Vae} drives; {@link AutoencoderKL} is the real one (tests wrap it). */
interface VaeCodec {
    /** NCHW latent in VAE space to NCHW pixels in -1..1, not clamped. */
    Tensor decodeRaw(Tensor latent);

    /** NCHW pixels in -1..1 to the NCHW posterior mean. */
    Tensor encodeMean(Tensor image);
}
