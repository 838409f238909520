package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.model.unet.UNetModel;
import dev.comfy4j.model.unet.WeightStorage;
import dev.comfy4j.tensor.Device;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * ComfyUI's MODEL value: the diffusion model (UNet and its sampling parameterisation) of {@code file}
 * under {@code prefix}, of the detected {@code architecture}, computed on {@code device}.
 */
public record ModelHandle(ModelManager manager, Path file, String prefix, ModelArchitecture architecture,
                          Supplier<Device> device) {
    /** fp16 weights widened to fp32 once at load, as ComfyUI does on the CPU (bench/README.md has the trade). */
    private static final WeightStorage STORAGE = WeightStorage.FLOAT32_COPY;

    /** The loaded diffusion model, for the duration of one computation (a sampler run). */
    public ModelManager.Lease<LoadedComponent<DiffusionModel>> acquire() throws Exception {
        return ComponentLoads.acquire(manager, "MODEL", file, prefix, STORAGE == WeightStorage.FLOAT32_COPY ? 2.0 : 1.0,
                weights -> new DiffusionModel(UNetModel.load(weights, prefix, architecture.unet(), STORAGE, device.get()),
                        ModelSamplingDiscrete.of(architecture.prediction())));
    }

    @Override
    public String toString() {
        return "MODEL[" + file.getFileName() + ", " + architecture.family().comfyName() + "]";
    }
}
