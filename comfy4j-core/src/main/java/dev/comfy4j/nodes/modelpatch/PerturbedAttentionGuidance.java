package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.BlockId;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.options.PostCfgFunction;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * PerturbedAttentionGuidance ({@code nodes_pag.py}): after CFG, the positive side runs once more with the
 * middle block's self-attention replaced by the identity (the attention returns v), and the result moves away
 * from that prediction: {@code denoised + (cond - pag) * scale}. The negative is evaluated even at cfg 1.
 */
public final class PerturbedAttentionGuidance implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PerturbedAttentionGuidance", "comfy_extras.nodes_pag")
                .category("model_patches/unet")
                .input(Input.of("model", "MODEL"))
                .input(Input.of("scale", "FLOAT").defaultValue(3.0).min(0.0).max(100.0).step(0.01).round(0.01))
                .output(Output.of("MODEL"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Function f = new Function(FiniteFloats.of(in, "scale"));
        return ModelPatches.patched(in, o -> o.withPostCfgFunction(f, true));
    }

    /** The attention replacement: {@code softmax(q k^T) v} becomes {@code v}. */
    public record IdentityAttention() implements AttentionPatch.Replace {
        @Override
        public Tensor apply(Tensor q, Tensor k, Tensor v, TransformerOptions options) {
            return v;
        }
    }

    public record Function(double scale) implements PostCfgFunction {
        static final BlockId BLOCK = BlockId.of("middle", 0);

        @Override
        public Tensor apply(Args a) {
            if (scale == 0) return a.denoised();
            ModelOptions perturbed = a.modelOptions().withTransformerPatches(
                    a.modelOptions().transformerPatches().withAttn1Replace(BLOCK, new IdentityAttention()));
            try (TensorScope scope = TensorScope.open()) {
                Tensor pag = a.predict().predict(0, a.input(), perturbed);
                return scope.keep(a.denoised().add(a.condDenoised().sub(pag).mul(scale)));
            }
        }
    }
}
