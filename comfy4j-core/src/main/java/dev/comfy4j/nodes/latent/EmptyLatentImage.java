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
 * EmptyLatentImage: zeros [batch, 4, height/8, width/8].
 */
public final class EmptyLatentImage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("EmptyLatentImage", "nodes")
                .displayName("Empty Latent Image")
                .category("latent")
                .description("Create a new batch of empty latent images to be denoised via sampling.")
                .input(Input.of("width", "INT").option("default", 512).option("min", 16).option("max", 16384).option("step", 8).option("tooltip", "The width of the latent images in pixels."))
                .input(Input.of("height", "INT").option("default", 512).option("min", 16).option("max", 16384).option("step", 8).option("tooltip", "The height of the latent images in pixels."))
                .input(Input.of("batch_size", "INT").option("default", 1).option("min", 1).option("max", 4096).option("tooltip", "The number of latent images in the batch."))
                .output(Output.of("LATENT").withTooltip("The empty latent image batch."))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        long w = in.integer("width"), h = in.integer("height"), b = in.integer("batch_size");
        return NodeResult.of(Latent.of(ImageSupport.compute(() -> Tensor.zeros(DType.F32, b, 4, Math.floorDiv(h, 8), Math.floorDiv(w, 8)))));
    }
}
