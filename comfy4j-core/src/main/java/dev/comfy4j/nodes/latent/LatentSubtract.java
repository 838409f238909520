package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;

/**
 * LatentSubtract: samples1 - samples2 (samples2 reshaped to samples1).
 */
public final class LatentSubtract implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentSubtract", "comfy_extras.nodes_latent")
                .category("latent/advanced")
                .input(Input.of("samples1", "LATENT"))
                .input(Input.of("samples2", "LATENT"))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples1"), "samples1");
        var a = out.samples();
        var b = Latent.from(in.get("samples2"), "samples2").samples();
        out = out.withSamples(ImageSupport.compute(() -> a.sub(Latents.reshapeLatentTo(a.shape(), b, true))));
        return NodeResult.of(out);
    }
}
