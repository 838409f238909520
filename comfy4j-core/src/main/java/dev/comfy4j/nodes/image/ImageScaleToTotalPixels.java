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
 * ImageScaleToTotalPixels: resize to about megapixels * 1024 * 1024 pixels, keeping the aspect ratio.
 */
public final class ImageScaleToTotalPixels implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("ImageScaleToTotalPixels", "comfy_extras.nodes_post_processing")
                .category("image/upscaling")
                .input(Input.of("image", "IMAGE"))
                .input(Input.combo("upscale_method", "nearest-exact", "bilinear", "area", "bicubic", "lanczos"))
                .input(Input.of("megapixels", "FLOAT").option("default", 1.0).option("min", 0.01).option("max", 16.0).option("step", 0.01))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long total = (long) (in.floating("megapixels") * 1024 * 1024);
        double scale = Math.sqrt((double) total / (image.size(2) * image.size(1)));
        long w = ImageSupport.pyRound(image.size(2) * scale), h = ImageSupport.pyRound(image.size(1) * scale);
        return NodeResult.of(ImageSupport.compute(() -> Resample.image(image, w, h, in.string("upscale_method"), "disabled")));
    }
}
