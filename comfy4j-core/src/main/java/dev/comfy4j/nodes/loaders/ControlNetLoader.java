package dev.comfy4j.nodes.loaders;

import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;

/**
 * ControlNetLoader and DiffControlNetLoader: a ControlNet or T2I-Adapter of {@code models/controlnet} (and
 * {@code models/t2i_adapter}). The file's header is read here, so a file that is no ControlNet, or one for an
 * architecture comfy4j does not run, fails at this node naming the file; the weights load when a sampler
 * first runs it. The diff loader adds the MODEL's UNet weights to a diff ControlNet's.
 */
public final class ControlNetLoader implements Node {
    private static final String FOLDER = "controlnet";
    private final NodeServices services;
    private final boolean diff;

    private ControlNetLoader(NodeServices services, boolean diff) {
        this.services = services;
        this.diff = diff;
    }

    public static ControlNetLoader plain(NodeServices services) {
        return new ControlNetLoader(services, false);
    }

    public static ControlNetLoader diff(NodeServices services) {
        return new ControlNetLoader(services, true);
    }

    @Override
    public NodeSchema schema() {
        NodeSchema.Builder b = NodeSchema.v1(diff ? "DiffControlNetLoader" : "ControlNetLoader", "nodes")
                .displayName(diff ? "Load ControlNet Model (diff)" : "Load ControlNet Model")
                .category("loaders");
        if (diff) b.input(Input.of("model", "MODEL").noOptions());
        return b.input(ModelFileInputs.combo(services.folders(), "control_net_name", FOLDER).noOptions())
                .output(Output.of("CONTROL_NET"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ModelHandle model = diff ? in.as("model", ModelHandle.class) : null;
        var file = ModelFileInputs.require(services.folders(), FOLDER, in.string("control_net_name"));
        return NodeResult.of(services.checkpoints().controlNet(file, model));
    }
}
