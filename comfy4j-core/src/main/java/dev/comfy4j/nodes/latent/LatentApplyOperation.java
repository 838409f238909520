package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;

/**
 * LatentApplyOperation: a copy of the LATENT dict whose samples went through a LATENT_OPERATION.
 */
public final class LatentApplyOperation implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentApplyOperation", "comfy_extras.nodes_latent")
                .category("latent/advanced/operations")
                .experimental()
                .input(Input.of("samples", "LATENT"))
                .input(Input.of("operation", "LATENT_OPERATION"))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples"), "samples");
        var samples = out.samples();
        if (!(in.get("operation") instanceof LatentOperation op)) throw PyError.typeError("'operation' is not callable");
        out = out.withSamples(Latents.output(() -> op.apply(samples)));
        return NodeResult.of(out);
    }
}
