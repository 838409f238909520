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
 * LatentCut: a clamped slice along x, y or t (negative index counts from the end).
 */
public final class LatentCut implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentCut", "comfy_extras.nodes_latent")
                .category("latent/advanced")
                .input(Input.of("samples", "LATENT"))
                .input(Input.combo("dim", "x", "y", "t"))
                .input(Input.of("index", "INT").option("default", 0).option("min", -16384).option("max", 16384).option("step", 1))
                .input(Input.of("amount", "INT").option("default", 1).option("min", 1).option("max", 16384).option("step", 1))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples"), "samples");
        var s = out.samples();
        String dim = in.string("dim");
        int d = s.dim() - (dim.contains("x") ? 1 : dim.contains("y") ? 2 : 3);
        long size = s.size(d);
        long index = in.integer("index"), amount = in.integer("amount");
        if (index >= 0) {
            index = Math.min(index, size - 1);
            amount = Math.min(size - index, amount);
        } else {
            index = Math.max(index, -size);
            amount = Math.min(-index, amount);
        }
        long start = index < 0 ? index + size : index, length = amount;
        out = out.withSamples(ImageSupport.compute(() -> s.narrow(d, start, length)));
        return NodeResult.of(out);
    }
}
