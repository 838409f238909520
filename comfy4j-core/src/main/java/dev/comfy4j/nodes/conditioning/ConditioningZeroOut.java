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

/**
 * ConditioningZeroOut: every entry with zero tokens, and zero {@code pooled_output} and
 * {@code conditioning_lyrics} where present and not None; other keys are kept (an empty negative
 * prompt for models that want "nothing" rather than the encoding of "").
 */
public final class ConditioningZeroOut implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningZeroOut", "nodes")
                .category("advanced/conditioning")
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning c = Conditioning.from(in.get("conditioning"), "conditioning");
        return NodeResult.of(c.map(ConditioningZeroOut::zeroed));
    }

    private static Conditioning.Entry zeroed(Conditioning.Entry e) {
        Conditioning.Entry out = e.withCond(zerosLike(e.cond()));
        for (String key : new String[] {Conditioning.POOLED_OUTPUT, Conditioning.CONDITIONING_LYRICS}) {
            if (e.get(key) instanceof Tensor t) out = out.with(key, zerosLike(t));
        }
        return out;
    }

    private static Tensor zerosLike(Tensor t) {
        return ImageSupport.compute(() -> Tensor.zeros(t.dtype(), t.device(), t.shape()));
    }
}
