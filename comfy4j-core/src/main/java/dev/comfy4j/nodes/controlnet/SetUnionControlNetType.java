package dev.comfy4j.nodes.controlnet;

import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;

/**
 * SetUnionControlNetType: chooses the control type of a union ControlNet (ControlNet++). comfy4j does not run
 * union ControlNets (the loader refuses them), so a type other than "auto" is an error that names the
 * ControlNet, where ComfyUI would silently ignore it on a non-union model; "auto" (no type) passes the
 * ControlNet through unchanged, as in ComfyUI.
 */
public final class SetUnionControlNetType implements Node {
    /** {@code UNION_CONTROLNET_TYPES} in ComfyUI's order, after "auto". */
    private static final String[] TYPES = {"auto", "openpose", "depth", "hed/pidi/scribble/ted",
        "canny/lineart/anime_lineart/mlsd", "normal", "segment", "tile", "repaint"};

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SetUnionControlNetType", "comfy_extras.nodes_controlnet")
                .category("conditioning/controlnet")
                .input(Input.of("control_net", "CONTROL_NET").noOptions())
                .input(Input.combo("type", (Object[]) TYPES).noOptions())
                .output(Output.of("CONTROL_NET"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        ControlNetHandle net = ControlNetInputs.controlNet(in);
        String type = in.string("type");
        if (type.equals("auto")) return NodeResult.of(net);
        throw new PyError("RuntimeError", "ERROR: the ControlNet " + net.name() + " is not a union ControlNet ("
                + net.format().describe() + "), so it has no control type to set to '" + type
                + "'; comfy4j does not support union ControlNets (ControlNet++)");
    }
}
