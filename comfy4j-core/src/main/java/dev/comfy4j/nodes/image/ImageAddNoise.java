package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TorchGenerator;

/**
 * ImageAddNoise: clip(image + strength * randn(seed)) with torch's CPU generator.
 */
public final class ImageAddNoise implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageAddNoise", "comfy_extras.nodes_images")
                .category("image")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.of("seed", "INT").option("default", 0).option("min", 0).option("max", new java.math.BigInteger("18446744073709551615")).option("control_after_generate", true).option("tooltip", "The random seed used for creating the noise."))
                .input(Input.of("strength", "FLOAT").option("default", 0.5).option("min", 0.0).option("max", 1.0).option("step", 0.01))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long seed = in.bigInteger("seed").longValue();
        double strength = in.floating("strength");
        return NodeResult.of(ImageSupport.compute(() -> {
            try (TorchGenerator g = TorchGenerator.cpu(seed)) {
                Tensor noise = Tensor.randn(g, dev.comfy4j.tensor.DType.F32, image.shape()).to(image.dtype());
                return image.add(noise.mul(strength)).clamp(0.0, 1.0);
            }
        }));
    }
}
