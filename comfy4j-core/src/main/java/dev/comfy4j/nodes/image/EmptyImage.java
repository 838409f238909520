package dev.comfy4j.nodes.image;

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
 * EmptyImage: a batch filled with one colour given as 0xRRGGBB.
 */
public final class EmptyImage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("EmptyImage", "nodes")
                .category("image")
                .input(Input.of("width", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .input(Input.of("height", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .input(Input.of("batch_size", "INT").option("default", 1).option("min", 1).option("max", 4096))
                .input(Input.of("color", "INT").option("default", 0).option("min", 0).option("max", 16777215).option("step", 1).option("display", "color"))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        long w = in.integer("width"), h = in.integer("height"), batch = in.integer("batch_size"), color = in.integer("color");
        return NodeResult.of(ImageSupport.compute(() -> {
            // ComfyUI fills each channel with a Python float / 255 rounded to float32.
            Tensor r = Tensor.full(((color >> 16) & 0xFF) / 255.0, DType.F32, batch, h, w, 1);
            Tensor g = Tensor.full(((color >> 8) & 0xFF) / 255.0, DType.F32, batch, h, w, 1);
            Tensor b = Tensor.full((color & 0xFF) / 255.0, DType.F32, batch, h, w, 1);
            return Tensor.cat(java.util.List.of(r, g, b), -1);
        }));
    }
}
