package dev.comfy4j.nodes.loaders;

import dev.comfy4j.model.options.DiscreteParameterisation;
import dev.comfy4j.model.options.Parameterisation;
import dev.comfy4j.model.sd.Checkpoints;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.LdmConfig;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;

/**
 * CheckpointLoader (deprecated in ComfyUI): a checkpoint with an LDM config file of
 * {@code models/configs}. As in ComfyUI 0.3.64 the architecture comes from the weights; the config then
 * adds what {@link LdmConfig} reads: v-prediction ({@code parameterization: "v"}, SD2.x's
 * {@code v2-inference-v.yaml}) and the CLIP layer ({@code cond_stage_config.params.layer_idx}).
 */
public final class CheckpointLoader implements Node {
    private final NodeServices services;

    public CheckpointLoader(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CheckpointLoader", "nodes")
                .displayName("Load Checkpoint With Config (DEPRECATED)")
                .category("advanced/loaders")
                .deprecated()
                .input(ModelFileInputs.combo(services.folders(), "config_name", "configs").noOptions())
                .input(ModelFileInputs.combo(services.folders(), "ckpt_name", "checkpoints").noOptions())
                .output(Output.of("MODEL"))
                .output(Output.of("CLIP"))
                .output(Output.of("VAE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var config = ModelFileInputs.require(services.folders(), "configs", in.string("config_name"));
        var file = ModelFileInputs.require(services.folders(), "checkpoints", in.string("ckpt_name"));
        Checkpoints.Components c = services.checkpoints().checkpoint(file);
        LdmConfig ldm = LdmConfig.read(config);
        ModelHandle model = c.model();
        if (ldm.vPrediction()) {
            // ComfyUI's object patch of model_sampling: the checkpoint's discrete schedule, v-prediction
            Parameterisation v = DiscreteParameterisation.of(DiscreteParameterisation.Kind.V_PREDICTION, false);
            model = model.withOptions(model.options().withModelSampling(v));
        }
        ClipHandle clip = c.clip();
        if (ldm.clipLayerIdx() != null && clip != null) clip = clip.withLastLayer(ldm.clipLayerIdx());
        return NodeResult.of(model, clip, c.vae());
    }
}
