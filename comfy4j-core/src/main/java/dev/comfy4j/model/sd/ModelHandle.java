package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.patch.WeightPatch;
import dev.comfy4j.model.patch.WeightPatches;
import dev.comfy4j.model.unet.AttentionHeads;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.model.unet.UNetModel;
import dev.comfy4j.model.unet.WeightStorage;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ComfyUI's MODEL value: the diffusion model (UNet and its sampling parameterisation) of {@code file}
 * under {@code prefix}, of the detected {@code architecture}, computed on {@code device}, with
 * {@code patches} (LoRA files, merges) applied to its weights and {@code options} (ComfyUI's
 * {@code model_options}: CFG functions, replaced model sampling, UNet patches) applied when it samples.
 * Options never change the weights: a handle that differs only in options shares the loaded UNet.
 */
public record ModelHandle(ModelManager manager, Path file, String prefix, ModelArchitecture architecture,
                          Supplier<Device> device, WeightPatches patches, ModelOptions options, Map<String, String> ldmNames)
        implements PatchableComponent {
    public ModelHandle {
        if (options == null) options = ModelOptions.NONE;
        if (ldmNames != null) ldmNames = Map.copyOf(ldmNames);
    }

    public ModelHandle(ModelManager manager, Path file, String prefix, ModelArchitecture architecture, Supplier<Device> device) {
        this(manager, file, prefix, architecture, device, WeightPatches.NONE, ModelOptions.NONE, null);
    }

    public ModelHandle(ModelManager manager, Path file, String prefix, ModelArchitecture architecture, Supplier<Device> device,
            WeightPatches patches) {
        this(manager, file, prefix, architecture, device, patches, ModelOptions.NONE, null);
    }

    /** A UNet file in the diffusers layout, read under the LDM names {@code ldmNames} gives (LDM name to file key). */
    public static ModelHandle diffusers(ModelManager manager, Path file, ModelArchitecture architecture, Supplier<Device> device,
            Map<String, String> ldmNames) {
        return new ModelHandle(manager, file, "", architecture, device, WeightPatches.NONE, ModelOptions.NONE, ldmNames);
    }

    /** The file's weights under LDM names: the file's own, or a renamed view of a diffusers file. */
    @Override
    public StateDict weightsView(StateDict file) {
        return viewHoldsThisComponentOnly() ? StateDict.renamed(file, ldmNames) : StateDict.borrowed(file);
    }

    @Override
    public boolean viewHoldsThisComponentOnly() {
        return ldmNames != null;
    }

    /**
     * In float32 the file's fp16 weights stay memory-mapped and each layer widens its own when it runs (the
     * same numbers as ComfyUI's fp32 copy): loads in about a second and keeps the SD1.5 workflow near 2.8 GB,
     * where a float32 copy needs 3.4 GB more. In bfloat16 a copy made at each weight's first use costs no more
     * memory than the mapped fp16 pages it replaces (they are released) and saves converting every weight on
     * every call, which dominates small latents (bench/README.md, "bfloat16").
     */
    private WeightStorage storage() {
        return manager.precision().unet() == DType.F32 ? WeightStorage.CAST_PER_CALL : WeightStorage.COPY;
    }

    /** The loaded diffusion model, for the duration of one computation (a sampler run). */
    public ModelManager.Lease<LoadedComponent<DiffusionModel>> acquire() throws Exception {
        WeightStorage storage = storage();
        DType dtype = manager.precision().unet();
        // One byte held per stored byte either way: float32 uses the fp16 pages in place, a bfloat16 copy replaces them.
        return ComponentLoads.acquire(manager, "MODEL", file, prefix, 1.0,
                this, weights -> new DiffusionModel(UNetModel.load(weights, prefix, architecture.unet(),
                        AttentionHeads.forConfig(architecture.unet()), storage, dtype, device.get()),
                        ModelSamplingDiscrete.of(architecture.prediction()), architecture.family()));
    }

    /** A clone with {@code patch} applied on top; shares the weights it does not patch. */
    public ModelHandle withPatch(WeightPatch patch) {
        return new ModelHandle(manager, file, prefix, architecture, device, patches.with(patch), options, ldmNames);
    }

    /** A clone with other model options (the same weights, loaded once for both). */
    public ModelHandle withOptions(ModelOptions newOptions) {
        return new ModelHandle(manager, file, prefix, architecture, device, patches, newOptions, ldmNames);
    }

    /** Identifies what this MODEL computes: its weights and its options (ComfyUI's patcher identity). */
    public String identity() {
        return weightsIdentity() + (options.isEmpty() ? "" : "|" + options.identity());
    }

    /** ComfyUI's LoRA key names of this UNet, mapped to the keys of {@code weights}. */
    @Override
    public Map<String, String> loraKeys(StateDict weights) {
        return LoraKeyMap.unet(weights.keys(), prefix, architecture.unet());
    }

    @Override
    public String toString() {
        return "MODEL[" + file.getFileName() + ", " + architecture.family().comfyName() + (ldmNames == null ? "" : ", diffusers layout")
                + (patches.isEmpty() ? "" : ", " + patches.steps().size() + " patches")
                + (options.isEmpty() ? "" : ", options") + "]";
    }
}
