package dev.comfy4j.nodes.vae;

import dev.comfy4j.model.sd.LoadedComponent;
import dev.comfy4j.model.sd.VaeHandle;
import dev.comfy4j.model.vae.Vae;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/** What the VAE nodes share: the VAE input check and running the loaded VAE in a scope. */
final class VaeNodes {
    /** A computation with the loaded VAE. */
    @FunctionalInterface
    interface WithVae {
        Tensor apply(Vae vae);
    }

    private VaeNodes() {}

    static VaeHandle requireVae(Object value) {
        if (value instanceof VaeHandle v) return v;
        if (value == null) {
            throw new PyError("RuntimeError", "ERROR: VAE is invalid: None\n\nIf the VAE is from a checkpoint loader node"
                    + " your checkpoint does not contain a valid VAE model.");
        }
        throw PyError.typeError("vae must be a VAE, not " + value.getClass().getSimpleName());
    }

    /** Activations above which a VAE computation first releases the idle models' mapped pages (a 512x512 float32 decode needs 1 GiB). */
    static final long LARGE_WORK_BYTES = 1L << 30;

    /**
     * Before decoding {@code pixels} output pixels: when that needs more than {@link #LARGE_WORK_BYTES} of
     * activations (estimated as in {@link Vae}), the idle models' mapped weight pages leave resident memory first,
     * as ComfyUI frees memory for a VAE decode (the SDXL 1024x1024 workflow's peak).
     */
    static void makeRoomForDecode(Object vaeInput, long pixels) {
        if (Vae.decodeBytesEstimate(pixels) > LARGE_WORK_BYTES) requireVae(vaeInput).manager().releaseIdleMappedPages();
    }

    /** Runs {@code body} with the loaded VAE; the result leaves every scope (the output cache owns it). */
    static Tensor run(Object vaeInput, WithVae body) throws Exception {
        VaeHandle handle = requireVae(vaeInput);
        try (var lease = handle.acquire(); TensorScope ignored = TensorScope.open()) {
            LoadedComponent<Vae> loaded = lease.model();
            return body.apply(loaded.get()).escapeScope();
        }
    }

    static Tensor image(Object value, String what) {
        return ImageSupport.tensor(value, what);
    }
}
