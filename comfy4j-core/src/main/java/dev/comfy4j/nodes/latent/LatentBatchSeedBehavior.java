package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * LatentBatchSeedBehavior: random drops batch_index; fixed gives every sample the first index.
 */
public final class LatentBatchSeedBehavior implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentBatchSeedBehavior", "comfy_extras.nodes_latent")
                .category("latent/advanced")
                .input(Input.of("samples", "LATENT"))
                .input(Input.combo("seed_behavior", "random", "fixed").option("default", "fixed"))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples"), "samples");
        var s = out.samples();
        String behaviour = in.string("seed_behavior");
        if (behaviour.equals("random")) {
            out = out.withBatchIndex(null);
        } else if (behaviour.equals("fixed")) {
            List<Long> old = out.batchIndex();
            long first = old == null || old.isEmpty() ? 0 : old.getFirst();
            out = out.withBatchIndex(Collections.nCopies((int) s.size(0), first));
        }
        return NodeResult.of(out);
    }
}
