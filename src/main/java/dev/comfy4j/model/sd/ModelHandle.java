package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.unet.DiffusionModel;
import java.nio.file.Path;

/**
 * ComfyUI's MODEL value: the diffusion model (UNet and its sampling parameterisation) of {@code file}
 * under {@code prefix}, of the detected {@code architecture}.
 */
public record ModelHandle(ModelManager manager, Path file, String prefix, ModelArchitecture architecture) {
    /** The loaded diffusion model, for the duration of one computation (a sampler run). */
    public ModelManager.Lease<LoadedComponent<DiffusionModel>> acquire() throws Exception {
        return ComponentLoads.acquire(manager, "MODEL", file, prefix, DiffusionModel.BYTES_PER_STORED_BYTE,
                weights -> DiffusionModel.fromStateDict(weights, prefix, architecture));
    }

    @Override
    public String toString() {
        return "MODEL[" + file.getFileName() + ", " + architecture.family().comfyName() + "]";
    }
}
