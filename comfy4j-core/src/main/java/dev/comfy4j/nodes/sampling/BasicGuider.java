package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;

/** BasicGuider: the MODEL on one conditioning, no negative (cfg 1). */
public final class BasicGuider implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("BasicGuider", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/guiders")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                .output(Output.of("GUIDER"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(Guider.basic(in.get("model"), Conditioning.from(in.get("conditioning"), "conditioning")));
    }
}
