package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;

/**
 * EmptySD3LatentImage: zeros [batch, 16, height/8, width/8].
 */
public final class EmptySD3LatentImage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("EmptySD3LatentImage", "comfy_extras.nodes_sd3")
                .category("latent/sd3")
                .input(Input.of("width", "INT").option("default", 1024).option("min", 16).option("max", 16384).option("step", 16))
                .input(Input.of("height", "INT").option("default", 1024).option("min", 16).option("max", 16384).option("step", 16))
                .input(Input.of("batch_size", "INT").option("default", 1).option("min", 1).option("max", 4096))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        long w = in.integer("width"), h = in.integer("height"), b = in.integer("batch_size");
        return NodeResult.of(Latent.of(ImageSupport.compute(() -> Tensor.zeros(DType.F32, b, 16, Math.floorDiv(h, 8), Math.floorDiv(w, 8)))));
    }
}
