package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Resample;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * ImageScaleBy: resize by a factor (round(W*s) x round(H*s)), no crop.
 */
public final class ImageScaleBy implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageScaleBy", "nodes")
                .displayName("Upscale Image By")
                .category("image/upscaling")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.combo("upscale_method", "nearest-exact", "bilinear", "area", "bicubic", "lanczos").noOptions())
                .input(Input.of("scale_by", "FLOAT").option("default", 1.0).option("min", 0.01).option("max", 8.0).option("step", 0.01))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        double s = in.floating("scale_by");
        long w = ImageSupport.pyRound(image.size(2) * s), h = ImageSupport.pyRound(image.size(1) * s);
        return NodeResult.of(ImageSupport.compute(() -> Resample.image(image, w, h, in.string("upscale_method"), "disabled")));
    }
}
