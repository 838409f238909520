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
 * LatentRotate: rot90 clockwise by the chosen angle.
 */
public final class LatentRotate implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentRotate", "nodes")
                .displayName("Rotate Latent")
                .category("latent/transform")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.combo("rotation", "none", "90 degrees", "180 degrees", "270 degrees").noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples"), "samples");
        var s = out.samples();
        int k = switch (in.string("rotation")) {
            case "90 degrees" -> 1;
            case "180 degrees" -> 2;
            case "270 degrees" -> 3;
            default -> 0;
        };
        if (k != 0) out = out.withSamples(ImageSupport.compute(() -> s.rot90(k, 3, 2)));
        return NodeResult.of(out);
    }
}
