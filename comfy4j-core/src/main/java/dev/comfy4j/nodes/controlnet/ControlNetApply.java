package dev.comfy4j.nodes.controlnet;

import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.tensor.Tensor;

/**
 * ControlNetApply ("Apply ControlNet (OLD)", deprecated): each entry gets its own application of the
 * ControlNet over the whole schedule, after the entry's previous one, with {@code control_apply_to_uncond}
 * True: the sampler lends it to the negative side ({@code apply_empty_x_to_equal_area}).
 */
public final class ControlNetApply implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ControlNetApply", "nodes")
                .displayName("Apply ControlNet (OLD)")
                .category("conditioning/controlnet")
                .deprecated()
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                .input(Input.of("control_net", "CONTROL_NET").noOptions())
                .input(Input.of("image", "IMAGE").noOptions())
                .input(ControlNetInputs.strength())
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning conditioning = Conditioning.from(in.get("conditioning"), "conditioning");
        double strength = FiniteFloats.of(in, "strength");
        if (strength == 0) return NodeResult.of(conditioning);
        ControlNetHandle net = ControlNetInputs.controlNet(in);
        Tensor image = ControlNetInputs.image(in);
        return NodeResult.of(conditioning.map(e -> e
                .with(Conditioning.CONTROL, new ControlNetApplication(net, image, strength, 0.0, 1.0,
                        ControlNetInputs.previous(e.get(Conditioning.CONTROL))))
                .with(Conditioning.CONTROL_APPLY_TO_UNCOND, true)));
    }
}
