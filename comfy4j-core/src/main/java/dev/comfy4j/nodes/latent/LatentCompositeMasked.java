package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.Composite;
import dev.comfy4j.nodes.image.ImageSupport;

/**
 * LatentCompositeMasked: source pasted into destination at (x/8, y/8) through an optional mask.
 */
public final class LatentCompositeMasked implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentCompositeMasked", "comfy_extras.nodes_mask")
                .category("latent")
                .input(Input.of("destination", "LATENT").noOptions())
                .input(Input.of("source", "LATENT").noOptions())
                .input(Input.of("x", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("y", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("resize_source", "BOOLEAN").option("default", false))
                .input(Input.of("mask", "MASK").noOptions().optional())
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("destination"), "destination");
        var dest = out.samples();
        var src = Latent.from(in.get("source"), "source").samples();
        var mask = in.has("mask") ? ImageSupport.tensor(in.get("mask"), "mask") : null;
        out = out.withSamples(ImageSupport.compute(() -> Composite.paste(dest.clone(), src, in.integer("x"), in.integer("y"), mask, 8,
                in.bool("resize_source"))));
        return NodeResult.of(out);
    }
}
