package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Convolutions;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * ImageBlur: Gaussian blur (kernel over a -1..1 grid), reflect-padded depthwise convolution.
 */
public final class ImageBlur implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("ImageBlur", "comfy_extras.nodes_post_processing")
                .category("image/postprocessing")
                .input(Input.of("image", "IMAGE"))
                .input(Input.of("blur_radius", "INT").option("default", 1).option("min", 1).option("max", 31).option("step", 1))
                .input(Input.of("sigma", "FLOAT").option("default", 1.0).option("min", 0.1).option("max", 10.0).option("step", 0.1))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        int radius = (int) in.integer("blur_radius");
        if (radius == 0) return NodeResult.of(image);
        double sigma = in.floating("sigma");
        return NodeResult.of(ImageSupport.compute(() -> Convolutions.depthwise(image, Convolutions.gaussian(2 * radius + 1, sigma), radius)));
    }
}
