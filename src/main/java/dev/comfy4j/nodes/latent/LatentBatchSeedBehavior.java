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
        var out = Latents.copy(in.get("samples"));
        var s = Latents.samples(out);
        String behaviour = in.string("seed_behavior");
        if (behaviour.equals("random")) {
            out.remove("batch_index");
        } else if (behaviour.equals("fixed")) {
            List<Long> old = Latents.batchIndex(out);
            long first = old == null || old.isEmpty() ? 0 : old.getFirst();
            out.put("batch_index", new ArrayList<Object>(Collections.nCopies((int) s.size(0), first)));
        }
        return NodeResult.of(out);
    }
}
