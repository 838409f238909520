package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;

/** DualCFGGuider: cond1 against cond2 (cfg_conds) and cond2 against the negative (cfg_cond2_negative), regular or nested. */
public final class DualCFGGuider implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("DualCFGGuider", "comfy_extras.nodes_custom_sampler")
                .category("sampling/custom_sampling/guiders")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.of("cond1", "CONDITIONING").noOptions())
                .input(Input.of("cond2", "CONDITIONING").noOptions())
                .input(Input.of("negative", "CONDITIONING").noOptions())
                .input(Input.of("cfg_conds", "FLOAT").defaultValue(8.0).min(0.0).max(100.0).step(0.1).round(0.01))
                .input(Input.of("cfg_cond2_negative", "FLOAT").defaultValue(8.0).min(0.0).max(100.0).step(0.1).round(0.01))
                .input(Input.combo("style", "regular", "nested").noOptions())
                .output(Output.of("GUIDER"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(Guider.dual(in.get("model"), Conditioning.from(in.get("cond1"), "cond1"),
                Conditioning.from(in.get("cond2"), "cond2"), Conditioning.from(in.get("negative"), "negative"),
                in.floating("cfg_conds"), in.floating("cfg_cond2_negative"), "nested".equals(in.string("style"))));
    }
}
