package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.DefaultGenerator;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;

/**
 * TomePatchModel ({@code nodes_tomesd.py}): token merging ({@link TokenMerging}) as the MODEL's attn1 patch
 * (merge the queries; k and v stay whole) and attn1 output patch (unmerge the attention's output). The dst tokens
 * are drawn with {@code torch.randint} from torch's default generator, which ComfyUI leaves where
 * {@code prepare_noise} stopped: here the sampling run's {@link DefaultGenerator}.
 */
public final class TomePatchModel implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("TomePatchModel", "comfy_extras.nodes_tomesd")
                .category("model_patches/unet")
                .input(Input.of("model", "MODEL"))
                .input(Input.floating("ratio").defaultValue(0.3).min(0.0).max(1.0).step(0.01))
                .output(Output.of("MODEL"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        ModelPatches.model(in);
        double ratio = FiniteFloats.of(in, "ratio");
        Pairing pairing = new Pairing();
        return ModelPatches.patched(in, o -> o.withTransformerPatches(o.transformerPatches()
                .withAttn1(new Merging(ratio, pairing)).withAttn1Output(new Unmerging(pairing))));
    }

    /** Ties a node run's merge to its unmerge ({@code self.u} in ComfyUI). Compared by identity. */
    public static final class Pairing {
        @Override
        public String toString() {
            return "TomePairing@" + Integer.toHexString(System.identityHashCode(this));
        }
    }

    /** {@code tomesd_m}: plans the merge of this attention's queries and merges them; the plan waits for the output patch. */
    public record Merging(double ratio, Pairing pairing) implements AttentionPatch.Input {
        @Override
        public AttentionPatch.QueryContextValue apply(Tensor q, Tensor k, Tensor v, TransformerOptions options) {
            TokenMerging.Matching m = TokenMerging.plan(q, ratio, options.originalShape(), Merging::runGenerator);
            options.putPending(pairing, m);
            return new AttentionPatch.QueryContextValue(m == null ? q : m.merge(q), k, v);
        }

        private static TorchGenerator runGenerator() {
            return DefaultGenerator.current().orElseThrow(() -> new IllegalStateException(
                    "TomePatchModel draws from the sampling run's generator; this UNet call is not part of a sampling run")).generator();
        }
    }

    /** {@code tomesd_u}: the attention's output back to every token. */
    public record Unmerging(Pairing pairing) implements AttentionPatch.Output {
        @Override
        public Tensor apply(Tensor n, TransformerOptions options) {
            if (!(options.takePending(pairing) instanceof TokenMerging.Matching m)) return n;
            try (m; TensorScope scope = TensorScope.open()) {
                return scope.keep(m.unmerge(n));
            }
        }
    }
}
