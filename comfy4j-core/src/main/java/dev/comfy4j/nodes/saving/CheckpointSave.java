package dev.comfy4j.nodes.saving;

import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.model.Prediction;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.model.sd.SavedWeights;
import dev.comfy4j.model.sd.VaeHandle;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CheckpointSave (MODEL, CLIP and VAE in one file) and ModelSave (the MODEL alone), ComfyUI's
 * {@code save_checkpoint}: {@code checkpoints/ComfyUI_00001_.safetensors} under the output folder with
 * the keys of {@code state_dict_for_saving}, the patched weights, ComfyUI's {@code modelspec.*} metadata
 * (the SDXL architecture names, {@code modelspec.predict_key}) and, unless {@code --disable-metadata},
 * the prompt and workflow. A v-prediction model gets the {@code v_pred} marker key.
 */
public final class CheckpointSave implements Node {
    private final NodeServices services;
    private final boolean modelOnly;

    private CheckpointSave(NodeServices services, boolean modelOnly) {
        this.services = services;
        this.modelOnly = modelOnly;
    }

    public static CheckpointSave checkpoint(NodeServices services) {
        return new CheckpointSave(services, false);
    }

    public static CheckpointSave modelOnly(NodeServices services) {
        return new CheckpointSave(services, true);
    }

    @Override
    public NodeSchema schema() {
        NodeSchema.Builder b = NodeSchema.v1(modelOnly ? "ModelSave" : "CheckpointSave", "comfy_extras.nodes_model_merging")
                .category("advanced/model_merging")
                .input(Input.of("model", "MODEL").noOptions());
        if (modelOnly) {
            b.input(Input.of("filename_prefix", "STRING").option("default", "diffusion_models/ComfyUI"));
        } else {
            b.displayName("Save Checkpoint")
                    .input(Input.of("clip", "CLIP").noOptions())
                    .input(Input.of("vae", "VAE").noOptions())
                    .input(Input.of("filename_prefix", "STRING").option("default", "checkpoints/ComfyUI"));
        }
        return b.hidden("prompt", Hidden.PROMPT).hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO).outputNode().build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ModelHandle model = in.as("model", ModelHandle.class);
        ClipHandle clip = modelOnly ? null : in.as("clip", ClipHandle.class);
        VaeHandle vae = modelOnly ? null : in.as("vae", VaeHandle.class);
        OutputNaming.Target target = SavedFiles.target(services.output(), in.string("filename_prefix"));

        Map<String, String> metadata = new LinkedHashMap<>();
        String architecture = switch (model.architecture().family()) {
            case SDXL -> "stable-diffusion-xl-v1-base";
            case SDXL_REFINER -> "stable-diffusion-xl-v1-refiner";
            default -> null;
        };
        if (architecture != null) {
            metadata.put("modelspec.architecture", architecture);
            metadata.put("modelspec.sai_model_spec", "1.0.0");
            metadata.put("modelspec.implementation", "sgm");
            metadata.put("modelspec.title", target.filename() + " " + target.counter());
        }
        boolean vPrediction = model.architecture().prediction() == Prediction.V_PREDICTION;
        metadata.put("modelspec.predict_key", vPrediction ? "v" : "epsilon");
        if (!context.config().disableMetadata()) SavedFiles.addPrompt(metadata, context);

        List<SavedWeights> parts = new ArrayList<>();
        try {
            parts.add(SavedWeights.unet(model, SavedWeights.CHECKPOINT_UNET));
            if (clip != null) parts.add(SavedWeights.clip(clip, SavedWeights.CHECKPOINT_CLIP));
            if (vae != null) parts.add(SavedWeights.vae(vae, SavedWeights.CHECKPOINT_VAE));
        } catch (Exception | Error e) {
            for (SavedWeights p : parts) p.close();
            throw e;
        }
        if (vPrediction) parts.add(marker("v_pred"));
        SavedFiles.write(SavedFiles.file(target), parts, metadata);
        return NodeResult.nothing();
    }

    /** ComfyUI's empty float32 marker tensors ({@code torch.tensor([])}). */
    private static SavedWeights marker(String key) {
        return SavedWeights.of(List.of(new SafetensorsWriter.Entry(key, DType.F32, new long[] {0},
                () -> Tensor.zeros(DType.F32, 0))));
    }
}
