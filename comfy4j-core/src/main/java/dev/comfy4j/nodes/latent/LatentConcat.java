package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import java.util.List;

/**
 * LatentConcat: samples2 (batch-matched) joined along x, y or t; a leading minus puts samples2 first.
 */
public final class LatentConcat implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentConcat", "comfy_extras.nodes_latent")
                .category("latent/advanced")
                .input(Input.of("samples1", "LATENT"))
                .input(Input.of("samples2", "LATENT"))
                .input(Input.combo("dim", "x", "-x", "y", "-y", "t", "-t"))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples1"), "samples1");
        var a = out.samples();
        var b = Latent.from(in.get("samples2"), "samples2").samples();
        String dim = in.string("dim");
        long d = dim.contains("x") ? -1 : dim.contains("y") ? -2 : -3;
        out = out.withSamples(ImageSupport.compute(() -> {
            var s2 = Latents.repeatToBatchSize(b, a.size(0));
            return dev.comfy4j.tensor.Tensor.cat(dim.startsWith("-") ? List.of(s2, a) : List.of(a, s2), d);
        }));
        return NodeResult.of(out);
    }
}
