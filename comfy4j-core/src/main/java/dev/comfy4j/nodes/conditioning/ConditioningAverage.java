package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * ConditioningAverage: every entry of {@code conditioning_to} blended with the first entry of
 * {@code conditioning_from}, {@code to * s + from * (1 - s)}. The from tokens are cut to the entry's
 * token count, or zero-padded to it. Pooled outputs are blended the same way, where an entry without
 * the key blends from's pooled output with itself and an entry whose pooled output is None takes
 * from's as it is (ComfyUI's {@code dict.get} default).
 *
 * <p>The display name is the class name: ComfyUI's display-name table spells the key with a trailing
 * space, so it never matches.
 */
public final class ConditioningAverage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningAverage", "nodes")
                .category("conditioning")
                .input(Input.of("conditioning_to", "CONDITIONING").noOptions())
                .input(Input.of("conditioning_from", "CONDITIONING").noOptions())
                .input(Input.floating("conditioning_to_strength").defaultValue(1.0).min(0.0).max(1.0).step(0.01))
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning to = Conditioning.from(in.get("conditioning_to"), "conditioning_to");
        Conditioning from = Conditioning.from(in.get("conditioning_from"), "conditioning_from");
        double s = in.floating("conditioning_to_strength");
        Tensor fromCond = from.get(0).cond();
        Tensor fromPooled = from.get(0).pooledOutput();
        return NodeResult.of(to.map(e -> {
            Tensor tokens = ImageSupport.compute(() -> blend(e.cond(), matchTokens(fromCond, e.cond()), s));
            Conditioning.Entry out = e.withCond(tokens);
            if (fromPooled == null) return out;
            Tensor toPooled = e.has(Conditioning.POOLED_OUTPUT) ? e.pooledOutput() : fromPooled;
            if (toPooled == null) return out.with(Conditioning.POOLED_OUTPUT, fromPooled);
            return out.with(Conditioning.POOLED_OUTPUT, ImageSupport.compute(() -> blend(toPooled, fromPooled, s)));
        }));
    }

    /** {@code a * s + b * (1 - s)}, with the factors as ComfyUI computes them (1 - s in double). */
    private static Tensor blend(Tensor a, Tensor b, double s) {
        return a.mul(s).add(b.mul(1.0 - s));
    }

    /**
     * {@code from[:, :n]}, zero-padded to n tokens. The padding has batch 1 (float32), as in
     * ComfyUI, so a longer entry against a from of batch above 1 fails there as here.
     */
    private static Tensor matchTokens(Tensor from, Tensor to) {
        long n = to.size(1);
        Tensor cut = from.narrow(1, 0, Math.min(n, from.size(1)));
        if (cut.size(1) >= n) return cut;
        Tensor pad = Tensor.zeros(DType.F32, from.device(), 1, n - cut.size(1), to.size(2));
        return Tensor.cat(List.of(cut, pad), 1);
    }
}
