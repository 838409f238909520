package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * ConditioningConcat: the tokens of the first entry of {@code conditioning_from} appended (dim 1) to
 * every entry of {@code conditioning_to}; the dicts of {@code to} are kept. Further entries of
 * {@code from} are ignored, as in ComfyUI (which only logs a warning).
 */
public final class ConditioningConcat implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningConcat", "nodes")
                .displayName("Conditioning (Concat)")
                .category("conditioning")
                .input(Input.of("conditioning_to", "CONDITIONING").noOptions())
                .input(Input.of("conditioning_from", "CONDITIONING").noOptions())
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning to = Conditioning.from(in.get("conditioning_to"), "conditioning_to");
        Conditioning from = Conditioning.from(in.get("conditioning_from"), "conditioning_from");
        Tensor extra = from.get(0).cond();
        return NodeResult.of(to.map(e -> e.withCond(ImageSupport.compute(() -> Tensor.cat(List.of(e.cond(), extra), 1)))));
    }
}
