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
 * LatentCrop: a window of the samples at (x/8, y/8), kept at least 8 latent pixels from the far edges.
 */
public final class LatentCrop implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentCrop", "nodes")
                .displayName("Crop Latent")
                .category("latent/transform")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.of("width", "INT").option("default", 512).option("min", 64).option("max", 16384).option("step", 8))
                .input(Input.of("height", "INT").option("default", 512).option("min", 64).option("max", 16384).option("step", 8))
                .input(Input.of("x", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("y", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples"), "samples");
        var s = out.samples();
        long x = Math.floorDiv(in.integer("x"), 8), y = Math.floorDiv(in.integer("y"), 8);
        if (x > s.size(3) - 8) x = s.size(3) - 8;
        if (y > s.size(2) - 8) y = s.size(2) - 8;
        long toX = Math.floorDiv(in.integer("width"), 8) + x, toY = Math.floorDiv(in.integer("height"), 8) + y;
        long fx = x, fy = y;
        out = out.withSamples(ImageSupport.compute(() -> s.slice(2, fy, toY, 1).slice(3, fx, toX, 1)));
        return NodeResult.of(out);
    }
}
