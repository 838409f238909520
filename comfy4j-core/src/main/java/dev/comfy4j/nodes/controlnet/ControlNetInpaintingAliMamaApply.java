package dev.comfy4j.nodes.controlnet;

import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;

/**
 * ControlNetInpaintingAliMamaApply: for ControlNets that take the inpainting mask as an extra input
 * ({@code concat_mask}: the AliMama SD3/Flux inpainting ControlNets) the image is masked and the mask
 * concatenated; for every other ControlNet, every SD1.x/SD2.x one included, ComfyUI's node is exactly
 * ControlNetApplyAdvanced with the VAE, and so is this one (the mask is checked, then unused).
 */
public final class ControlNetInpaintingAliMamaApply implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ControlNetInpaintingAliMamaApply", "comfy_extras.nodes_controlnet")
                .category("conditioning/controlnet")
                .input(Input.of("positive", "CONDITIONING").noOptions())
                .input(Input.of("negative", "CONDITIONING").noOptions())
                .input(Input.of("control_net", "CONTROL_NET").noOptions())
                .input(Input.of("vae", "VAE").noOptions())
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.of("mask", "MASK").noOptions())
                .input(ControlNetInputs.strength())
                .input(ControlNetInputs.startPercent())
                .input(ControlNetInputs.endPercent())
                .output(Output.of("CONDITIONING").named("positive"))
                .output(Output.of("CONDITIONING").named("negative"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning positive = Conditioning.from(in.get("positive"), "positive");
        Conditioning negative = Conditioning.from(in.get("negative"), "negative");
        if (!(in.get("mask") instanceof Tensor)) throw PyError.typeError("mask must be a MASK");
        double strength = FiniteFloats.of(in, "strength");
        if (strength == 0) return NodeResult.of(positive, negative);
        Conditioning[] out = ControlNetApplyAdvanced.apply(positive, negative, ControlNetInputs.controlNet(in),
                ControlNetInputs.image(in), strength, in.floating("start_percent"), in.floating("end_percent"));
        return NodeResult.of(out[0], out[1]);
    }
}
