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
 * ImageScaleToMaxDimension: the longest side becomes largest_size, the other keeps the aspect ratio.
 */
public final class ImageScaleToMaxDimension implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageScaleToMaxDimension", "comfy_extras.nodes_images")
                .category("image/upscaling")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.combo("upscale_method", "area", "lanczos", "bilinear", "nearest-exact", "bilinear", "bicubic").noOptions())
                .input(Input.of("largest_size", "INT").option("default", 512).option("min", 0).option("max", 16384).option("step", 1))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long h = image.size(1), w = image.size(2), size = in.integer("largest_size");
        long width, height;
        if (h > w) {
            width = ImageSupport.pyRound(((double) w / h) * size);
            height = size;
        } else if (w > h) {
            height = ImageSupport.pyRound(((double) h / w) * size);
            width = size;
        } else {
            width = size;
            height = size;
        }
        return NodeResult.of(ImageSupport.compute(() -> Resample.image(image, width, height, in.string("upscale_method"), "disabled")));
    }
}
