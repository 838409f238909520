package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.vae.AutoencoderKL;
import dev.comfy4j.model.vae.Vae;
import java.nio.file.Path;

/**
 * ComfyUI's VAE value: the VAE weights of {@code file} under {@code prefix}
 * ({@code first_stage_model.} in a checkpoint, empty in a standalone VAE file).
 */
public record VaeHandle(ModelManager manager, Path file, String prefix) {
    /** The loaded VAE, for the duration of one computation. */
    public ModelManager.Lease<LoadedComponent<Vae>> acquire() throws Exception {
        // The weights stay fp16 and memory-mapped; each op converts the one it uses to the compute dtype.
        return ComponentLoads.acquire(manager, "VAE", file, prefix, 1.0,
                weights -> new Vae(AutoencoderKL.fromStateDict(weights, prefix, AutoencoderKL.Options.computingIn(manager.precision().vae()))));
    }

    @Override
    public String toString() {
        return "VAE[" + file.getFileName() + "]";
    }
}
