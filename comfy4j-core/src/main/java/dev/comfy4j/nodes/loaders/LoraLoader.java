package dev.comfy4j.nodes.loaders;

import dev.comfy4j.model.patch.LoraFilePatch;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.LoraFiles;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;
import java.nio.file.Path;

/**
 * LoraLoader and LoraLoaderModelOnly: the MODEL (and CLIP) with a LoRA of {@code models/loras}
 * applied at a strength each. The weights are patched when the model is next loaded; the file is
 * read here once, so that a LoRA that does not fit fails at this node, naming the file.
 */
public final class LoraLoader implements Node {
    private static final String DESCRIPTION = "LoRAs are used to modify diffusion and CLIP models, altering the way in "
            + "which latents are denoised such as applying styles. Multiple LoRA nodes can be linked together.";
    private final NodeServices services;
    private final boolean modelOnly;

    private LoraLoader(NodeServices services, boolean modelOnly) {
        this.services = services;
        this.modelOnly = modelOnly;
    }

    public static LoraLoader withClip(NodeServices services) {
        return new LoraLoader(services, false);
    }

    public static LoraLoader modelOnly(NodeServices services) {
        return new LoraLoader(services, true);
    }

    @Override
    public NodeSchema schema() {
        if (modelOnly) {
            return NodeSchema.v1("LoraLoaderModelOnly", "nodes")
                    .category("loaders")
                    .description(DESCRIPTION)
                    .input(Input.of("model", "MODEL").noOptions())
                    .input(ModelFileInputs.combo(services.folders(), "lora_name", "loras").noOptions())
                    .input(Input.floating("strength_model").defaultValue(1.0).min(-100.0).max(100.0).step(0.01))
                    .output(Output.of("MODEL"))
                    .inheritedOutputTooltips("The modified diffusion model.", "The modified CLIP model.")
                    .build();
        }
        return NodeSchema.v1("LoraLoader", "nodes")
                .displayName("Load LoRA")
                .category("loaders")
                .description(DESCRIPTION)
                .input(Input.of("model", "MODEL").tooltip("The diffusion model the LoRA will be applied to."))
                .input(Input.of("clip", "CLIP").tooltip("The CLIP model the LoRA will be applied to."))
                .input(ModelFileInputs.combo(services.folders(), "lora_name", "loras").tooltip("The name of the LoRA."))
                .input(Input.floating("strength_model").defaultValue(1.0).min(-100.0).max(100.0).step(0.01)
                        .tooltip("How strongly to modify the diffusion model. This value can be negative."))
                .input(Input.floating("strength_clip").defaultValue(1.0).min(-100.0).max(100.0).step(0.01)
                        .tooltip("How strongly to modify the CLIP model. This value can be negative."))
                .output(Output.of("MODEL").withTooltip("The modified diffusion model."))
                .output(Output.of("CLIP").withTooltip("The modified CLIP model."))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ModelHandle model = in.as("model", ModelHandle.class);
        ClipHandle clip = modelOnly ? null : in.as("clip", ClipHandle.class);
        double strengthModel = FiniteFloats.of(in, "strength_model");
        double strengthClip = modelOnly ? 0.0 : FiniteFloats.of(in, "strength_clip");
        if (strengthModel == 0 && strengthClip == 0) return modelOnly ? NodeResult.of(model) : NodeResult.of(model, clip);

        Path lora = ModelFileInputs.require(services.folders(), "loras", in.string("lora_name"));
        LoraFiles.Targets targets = LoraFiles.check(lora, model, clip);
        // A zero strength, or a LoRA with no key for a component, leaves that component as it was.
        ModelHandle newModel = strengthModel != 0 && targets.modelWeights() > 0 ? model.withPatch(LoraFilePatch.of(lora, strengthModel)) : model;
        if (modelOnly) return NodeResult.of(newModel);
        ClipHandle newClip = strengthClip != 0 && targets.clipWeights() > 0 ? clip.withPatch(LoraFilePatch.of(lora, strengthClip)) : clip;
        return NodeResult.of(newModel, newClip);
    }
}
