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
 * LatentFlip: flip rows (x-axis) or columns (y-axis).
 */
public final class LatentFlip implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentFlip", "nodes")
                .displayName("Flip Latent")
                .category("latent/transform")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.combo("flip_method", "x-axis: vertically", "y-axis: horizontally").noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples"), "samples");
        var s = out.samples();
        String m = in.string("flip_method");
        if (m.startsWith("x")) out = out.withSamples(ImageSupport.compute(() -> s.flip(2)));
        else if (m.startsWith("y")) out = out.withSamples(ImageSupport.compute(() -> s.flip(3)));
        return NodeResult.of(out);
    }
}
