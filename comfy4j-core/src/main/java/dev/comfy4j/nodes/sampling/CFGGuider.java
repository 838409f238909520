package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;

/** CFGGuider: classifier-free guidance of a MODEL between two conditionings. */
public final class CFGGuider implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CFGGuider", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/guiders")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.of("positive", "CONDITIONING").noOptions())
                .input(Input.of("negative", "CONDITIONING").noOptions())
                .input(Input.of("cfg", "FLOAT").defaultValue(8.0).min(0.0).max(100.0).step(0.1).round(0.01))
                .output(Output.of("GUIDER"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(Guider.cfg(in.get("model"), Conditioning.from(in.get("positive"), "positive"),
                Conditioning.from(in.get("negative"), "negative"), in.floating("cfg")));
    }
}
