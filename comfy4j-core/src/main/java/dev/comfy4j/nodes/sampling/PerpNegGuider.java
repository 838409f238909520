package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.conditioning.Conditioning;

/** PerpNegGuider: CFG where only the part of the negative perpendicular to the positive pushes away (Perp-Neg). */
public final class PerpNegGuider implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PerpNegGuider", "comfy_extras.nodes_perpneg")
                .category("_for_testing")
                .experimental()
                .input(Input.of("model", "MODEL"))
                .input(Input.of("positive", "CONDITIONING"))
                .input(Input.of("negative", "CONDITIONING"))
                .input(Input.of("empty_conditioning", "CONDITIONING"))
                .input(Input.of("cfg", "FLOAT").defaultValue(8.0).min(0.0).max(100.0).step(0.1).round(0.01))
                .input(Input.of("neg_scale", "FLOAT").defaultValue(1.0).min(0.0).max(100.0).step(0.01))
                .output(Output.of("GUIDER"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(Guider.perpNeg(in.get("model"), Conditioning.from(in.get("positive"), "positive"),
                Conditioning.from(in.get("negative"), "negative"), Conditioning.from(in.get("empty_conditioning"), "empty_conditioning"),
                in.floating("cfg"), in.floating("neg_scale")));
    }
}
