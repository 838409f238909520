package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/** CLIPSetLastLayer ("clip skip"): a clone of the CLIP that encodes with an earlier layer's output. */
public final class CLIPSetLastLayer implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CLIPSetLastLayer", "nodes")
                .displayName("CLIP Set Last Layer")
                .category("conditioning")
                .input(Input.of("clip", "CLIP").noOptions())
                .input(Input.integer("stop_at_clip_layer").defaultValue(-1).min(-24).max(-1).step(1))
                .output(Output.of("CLIP"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(CLIPTextEncode.requireClip(in.get("clip")).withLastLayer((int) in.integer("stop_at_clip_layer")));
    }
}
