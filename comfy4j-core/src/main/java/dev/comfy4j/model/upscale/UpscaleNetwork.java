package dev.comfy4j.model.upscale;

import dev.comfy4j.tensor.Tensor;

/** The bare network of an upscale model: what spandrel's {@code model.forward} computes. */
interface UpscaleNetwork extends AutoCloseable {
    /** [B, in, H, W] float32 on the network's device to [B, out, H*scale, W*scale]; a new tensor, temporaries freed. */
    default Tensor forward(Tensor x) {
        return forward(x, () -> {});
    }

    /**
     * {@link #forward(Tensor)}, running {@code betweenLayers} between the network's main layers (the
     * RRDB blocks, the compact net's convolutions): an interrupt check that may throw, so that a long tile
     * can be stopped; everything the forward made is freed when it does.
     */
    Tensor forward(Tensor x, Runnable betweenLayers);

    /** Bytes of the weights. */
    long byteSize();

    @Override
    void close();
}
