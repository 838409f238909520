package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Convolutions;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;

/**
 * ImageSharpen: unsharp kernel (-10 alpha times the Gaussian, centre raised so it sums to 1), clamped.
 */
public final class ImageSharpen implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("ImageSharpen", "comfy_extras.nodes_post_processing")
                .category("image/postprocessing")
                .input(Input.of("image", "IMAGE"))
                .input(Input.of("sharpen_radius", "INT").option("default", 1).option("min", 1).option("max", 31).option("step", 1))
                .input(Input.of("sigma", "FLOAT").option("default", 1.0).option("min", 0.1).option("max", 10.0).option("step", 0.01))
                .input(Input.of("alpha", "FLOAT").option("default", 1.0).option("min", 0.0).option("max", 5.0).option("step", 0.01))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        int radius = (int) in.integer("sharpen_radius");
        if (radius == 0) return NodeResult.of(image);
        double sigma = in.floating("sigma"), alpha = in.floating("alpha");
        return NodeResult.of(ImageSupport.compute(() -> {
            int size = 2 * radius + 1;
            Tensor kernel = Convolutions.gaussian(size, sigma).mul(-(alpha * 10));
            Tensor centre = kernel.select(0, size / 2).select(0, size / 2);
            centre.copy_(centre.sub(kernel.sum()).add(1.0));
            return Convolutions.depthwise(image, kernel, radius).clamp(0, 1);
        }));
    }
}
