package dev.comfy4j.nodes.loaders;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;

/**
 * UNETLoader ("Load Diffusion Model"): a UNet-only file of {@code models/diffusion_models}. The fp8
 * weight types are refused with a clear error: libtorch on CPU has no fp8 matmul, and ComfyUI itself
 * only stores weights in fp8 to save memory on GPUs.
 */
public final class UNETLoader implements Node {
    private final NodeServices services;

    public UNETLoader(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("UNETLoader", "nodes")
                .displayName("Load Diffusion Model")
                .category("advanced/loaders")
                .input(ModelFileInputs.combo(services.folders(), "unet_name", "diffusion_models").noOptions())
                .input(Input.combo("weight_dtype", "default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2").noOptions())
                .output(Output.of("MODEL"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        String dtype = in.string("weight_dtype");
        if (!dtype.equals("default")) {
            throw new PyError("RuntimeError", "weight_dtype " + dtype + " is not supported by comfy4j yet; use default");
        }
        var file = ModelFileInputs.require(services.folders(), "diffusion_models", in.string("unet_name"));
        return NodeResult.of(services.checkpoints().diffusionModel(file));
    }
}
