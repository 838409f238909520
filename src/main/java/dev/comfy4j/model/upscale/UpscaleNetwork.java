package dev.comfy4j.model.upscale;

import dev.comfy4j.tensor.Tensor;

/** The bare network of an upscale model: what spandrel's {@code model.forward} computes. */
interface UpscaleNetwork extends AutoCloseable {
    /** [B, in, H, W] float32 on the network's device to [B, out, H*scale, W*scale]; a new tensor, temporaries freed. */
    Tensor forward(Tensor x);

    /** Bytes of the weights. */
    long byteSize();

    @Override
    void close();
}
