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
 * LatentMultiply: samples times a number.
 */
public final class LatentMultiply implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentMultiply", "comfy_extras.nodes_latent")
                .category("latent/advanced")
                .input(Input.of("samples", "LATENT"))
                .input(Input.of("multiplier", "FLOAT").option("default", 1.0).option("min", -10.0).option("max", 10.0).option("step", 0.01))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples"), "samples");
        var a = out.samples();
        double m = in.floating("multiplier");
        out = out.withSamples(ImageSupport.compute(() -> a.mul(m)));
        return NodeResult.of(out);
    }
}
